package io.etcdj.storage.backend;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Plain-main throughput check of both buffer proxies, not part of the unit run. Puts mvcc-shaped
 * entries (17-byte revision keys, 256-byte values) in lock sessions of 10 with etcd's default batch
 * limit, then times point reads and 100-key range reads through ReadTx.
 *
 * <p>Run: {@code java --add-opens java.base/java.nio=ALL-UNNAMED -cp ... BackendBenchmark}.
 */
public final class BackendBenchmark {
  private static final int KEYS = 200_000;

  private BackendBenchmark() {}

  public static void main(String[] args) throws Exception {
    BufferKind[] kinds =
        args.length == 0 ? BufferKind.values() : new BufferKind[] {BufferKind.valueOf(args[0])};
    for (int round = 0; round < 2; round++) {
      for (BufferKind kind : kinds) {
        run(kind, round == 1);
      }
    }
  }

  private static byte[] rev(long main) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(0).array();
  }

  private static void run(BufferKind kind, boolean print) throws Exception {
    Path dir = Files.createTempDirectory("backend-bench");
    try (LmdbBackend be =
        LmdbBackend.open(
            BackendConfig.builder(dir.resolve("db"))
                .bufferKind(kind)
                .executor(new ManualScheduler())
                .build())) {
      byte[] value = new byte[256];
      BatchTx tx = be.batchTx();
      long t0 = System.nanoTime();
      for (int i = 0; i < KEYS; i += 10) {
        tx.lock();
        try {
          if (i == 0) {
            tx.unsafeCreateBucket(Bucket.KEY);
          }
          for (int j = i; j < i + 10; j++) {
            tx.unsafeSeqPut(Bucket.KEY, rev(j), value);
          }
        } finally {
          tx.unlock();
        }
      }
      be.forceCommit();
      long putNanos = System.nanoTime() - t0;

      Random random = new Random(1);
      int gets = 200_000;
      t0 = System.nanoTime();
      try (ReadTx r = be.concurrentReadTx()) {
        for (int i = 0; i < gets; i++) {
          if (r.unsafeRange(Bucket.KEY, rev(random.nextInt(KEYS)), null, 0).isEmpty()) {
            throw new AssertionError();
          }
        }
      }
      long getNanos = System.nanoTime() - t0;

      int ranges = 20_000;
      t0 = System.nanoTime();
      for (int i = 0; i < ranges; i++) {
        try (ReadTx r = be.concurrentReadTx()) {
          long from = random.nextInt(KEYS - 100);
          if (r.unsafeRange(Bucket.KEY, rev(from), rev(from + 100), 0).size() != 100) {
            throw new AssertionError();
          }
        }
      }
      long rangeNanos = System.nanoTime() - t0;
      if (print) {
        System.out.printf(
            "%-11s puts/s %,10.0f   point reads/s %,10.0f   100-key ranges/s %,8.0f (each in its own ReadTx)%n",
            be.bufferKind(),
            KEYS / (putNanos / 1e9),
            gets / (getNanos / 1e9),
            ranges / (rangeNanos / 1e9));
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }
}
