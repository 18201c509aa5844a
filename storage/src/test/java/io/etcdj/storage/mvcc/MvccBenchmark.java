package io.etcdj.storage.mvcc;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Storage-layer throughput like etcd's {@code benchmark mvcc put} ({@code
 * tools/benchmark/cmd/mvcc-put.go}): random keys and values put through {@link KvStore} on LMDB
 * with etcd's default batch interval and limit, one put per write txn (or {@code txnOps} per txn),
 * then single-key and 100-key ranges through read txns. Not part of the unit run.
 *
 * <p>Run: {@code java --add-opens java.base/java.nio=ALL-UNNAMED -cp <test classpath>
 * io.etcdj.storage.mvcc.MvccBenchmark [total=100000] [keySize=64] [valueSize=64] [txnOps=1]}.
 */
public final class MvccBenchmark {
  private MvccBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int keySize = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int valueSize = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int txnOps = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    for (int round = 0; round < 2; round++) {
      run(total, keySize, valueSize, txnOps, round == 1);
    }
  }

  private static byte[][] randomBytes(Random rnd, int size, int n) {
    byte[][] out = new byte[n][size];
    for (byte[] b : out) {
      rnd.nextBytes(b);
    }
    return out;
  }

  private static void run(int total, int keySize, int valueSize, int txnOps, boolean print)
      throws Exception {
    Path dir = Files.createTempDirectory("mvcc-bench");
    Random rnd = new Random(1);
    byte[][] keys = randomBytes(rnd, keySize, total * txnOps);
    byte[][] vals = randomBytes(rnd, valueSize, total * txnOps);
    try {
      bench(dir, keys, vals, rnd, total, keySize, valueSize, txnOps, print);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void bench(
      Path dir,
      byte[][] keys,
      byte[][] vals,
      Random rnd,
      int total,
      int keySize,
      int valueSize,
      int txnOps,
      boolean print)
      throws Exception {
    try (LmdbBackend be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build());
        KvStore s = KvStore.open(be, null, null, StoreConfig.defaults())) {
      long[] lat = new long[total];
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long st = System.nanoTime();
        try (TxnWrite tw = s.write()) {
          for (int j = i * txnOps; j < (i + 1) * txnOps; j++) {
            tw.put(keys[j], vals[j], 0);
          }
        }
        lat[i] = System.nanoTime() - st;
      }
      be.forceCommit();
      long putNanos = System.nanoTime() - start;

      int reads = Math.min(total, 100_000);
      long rs = System.nanoTime();
      long found = 0;
      for (int i = 0; i < reads; i++) {
        found += s.range(keys[rnd.nextInt(keys.length)], null, RangeOptions.DEFAULT).count();
      }
      long rangeNanos = System.nanoTime() - rs;

      // ~100-key ranges [sorted[i], sorted[i + 100]): what a prefix listing costs.
      byte[][] sorted = keys.clone();
      Arrays.sort(sorted, Arrays::compareUnsigned);
      int scans = 20_000;
      long ss = System.nanoTime();
      for (int i = 0; i < scans; i++) {
        int from = rnd.nextInt(sorted.length - 101);
        found += s.range(sorted[from], sorted[from + 100], RangeOptions.DEFAULT).kvs().size();
      }
      long scanNanos = System.nanoTime() - ss;

      // limit 100 from a random key to the end: etcd still counts the whole tail.
      int tails = 200;
      long ts = System.nanoTime();
      for (int i = 0; i < tails; i++) {
        byte[] from = keys[rnd.nextInt(keys.length)];
        found += s.range(from, new byte[0], new RangeOptions(100, 0, false)).kvs().size();
      }
      long tailNanos = System.nanoTime() - ts;

      long hs = System.nanoTime();
      KvHash h = s.hashByRev(0);
      long hashNanos = System.nanoTime() - hs;

      if (print) {
        Arrays.sort(lat);
        System.out.printf(
            "put: %d txns x %d ops, key %d B, value %d B: %.0f puts/s (p50 %.1f us, p99 %.1f us)%n",
            total,
            txnOps,
            keySize,
            valueSize,
            total * (double) txnOps / (putNanos / 1e9),
            lat[total / 2] / 1e3,
            lat[(int) (total * 0.99)] / 1e3);
        System.out.printf(
            "range: single key %.0f/s; 100-key range %.0f/s; limit 100 over a random tail"
                + " (~half the keys counted) %.0f/s (found %d)%n",
            reads / (rangeNanos / 1e9),
            scans / (scanNanos / 1e9),
            tails / (tailNanos / 1e9),
            found);
        System.out.printf(
            "hashkv over %d revisions: %d ms (hash %d)%n",
            h.currentRev() - 1, TimeUnit.NANOSECONDS.toMillis(hashNanos), h.hash());
      }
    }
    // Restart: rebuild the index from the key bucket (etcd's restore on NewStore).
    long os = System.nanoTime();
    try (LmdbBackend be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build());
        KvStore s = KvStore.open(be, null, null, StoreConfig.defaults())) {
      long openNanos = System.nanoTime() - os;
      if (print) {
        System.out.printf(
            "reopen (index rebuild of %d revisions): %d ms%n",
            s.rev() - 1, TimeUnit.NANOSECONDS.toMillis(openNanos));
      }
    }
  }
}
