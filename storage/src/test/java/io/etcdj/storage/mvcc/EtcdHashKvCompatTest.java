package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.testing.RealEtcd;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HashKV of our store equals real etcd 3.4.23's after the same lease-free history: puts (one with
 * an empty value), single and prefix deletes, a multi-op txn, a physical compaction, more writes.
 * Hashes are compared at every revision still hashable and at revision 0, before and after the
 * compaction. Equal hashes mean our {@code key} bucket is byte-identical to etcd's.
 *
 * <p>Starts {@code /usr/bin/etcd} on 127.0.0.1 with free ports and a temp dir; skipped if absent.
 */
class EtcdHashKvCompatTest {
  private static final Pattern HASH = Pattern.compile("\"hash\":(\\d+)");
  private static final Pattern COMPACT = Pattern.compile("\"compact_revision\":(\\d+)");

  @TempDir static Path dir;
  private static RealEtcd etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = RealEtcd.named("hashkv").flags("--logger=zap").start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static String run(String... args) throws Exception {
    return etcd.etcdctl(args);
  }

  private static String runWithInput(String stdin, String... args) throws Exception {
    return etcd.etcdctlWithInput(stdin, args);
  }

  /** etcd's HashKV at {@code rev}: {hash, compact_revision}. */
  private static long[] etcdHashKv(long rev) throws Exception {
    String json = run("endpoint", "hashkv", "--rev=" + rev, "-w", "json");
    Matcher h = HASH.matcher(json);
    assertThat(h.find()).as("hash in %s", json).isTrue();
    Matcher c = COMPACT.matcher(json);
    long compact = c.find() ? Long.parseLong(c.group(1)) : 0;
    return new long[] {Long.parseLong(h.group(1)), compact};
  }

  private static void put(KvStore s, String k, String v) throws Exception {
    run("put", k, v);
    s.put(bytes(k), bytes(v), 0);
  }

  private static void del(KvStore s, String k) throws Exception {
    run("del", k);
    s.deleteRange(bytes(k), null);
  }

  private static void delPrefix(KvStore s, String prefix) throws Exception {
    run("del", "--prefix", prefix);
    byte[] end = bytes(prefix);
    end[end.length - 1]++;
    s.deleteRange(bytes(prefix), end);
  }

  private static void assertHashesEqual(KvStore s, long from) throws Exception {
    long cur = s.rev();
    for (long rev = from; rev <= cur; rev++) {
      long[] want = etcdHashKv(rev);
      KvHash got = s.hashByRev(rev);
      assertThat(got.hash()).as("HashKV at rev %d", rev).isEqualTo(want[0]);
    }
    long[] want = etcdHashKv(0);
    KvHash got = s.hashByRev(0);
    assertThat(got.hash()).as("HashKV at rev 0").isEqualTo(want[0]);
    assertThat(got.currentRev()).isEqualTo(cur);
    if (got.compactRev() > 0) {
      assertThat(got.compactRev()).isEqualTo(want[1]);
    }
  }

  @Test
  void hashKvMatchesEtcdAcrossPutsDeletesTxnAndCompaction() throws Exception {
    LmdbBackend be =
        LmdbBackend.open(BackendConfig.builder(dir.resolve("ours")).mapSize(64L << 20).build());
    RecordingLeases leases = new RecordingLeases();
    try (KvStore s = KvStore.open(new BackendKv(be), leases, null, StoreConfig.defaults())) {
      put(s, "foo", "bar");
      put(s, "foo", "bar2");
      put(s, "k1", "v1");
      put(s, "k2", "v2");
      put(s, "k3", "");
      del(s, "foo");
      put(s, "foo", "again");
      // One txn, three changes: one revision with sub revisions 0, 1, 2.
      runWithInput(
          "value(\"k1\") = \"v1\"\n\nput k1 v1b\ndel k2\nput k4 v4\n\nput never x\n\n", "txn");
      try (TxnWrite tw = s.write()) {
        tw.put(bytes("k1"), bytes("v1b"), 0);
        tw.deleteRange(bytes("k2"), null);
        tw.put(bytes("k4"), bytes("v4"), 0);
      }
      put(s, "k2", "back");
      delPrefix(s, "k");
      put(s, "k1", "fresh");
      assertThat(s.rev()).isEqualTo(12);
      assertHashesEqual(s, 1);

      run("compaction", "--physical", "7");
      s.compact(7).get(30, TimeUnit.SECONDS);
      put(s, "foo", "after");
      put(s, "z", "zz");
      del(s, "k1");
      assertHashesEqual(s, 8);

      // A lease: its id is stored in each attached key's KeyValue; revoking deletes the keys, in
      // key order, at one revision.
      String granted = run("lease", "grant", "600");
      Matcher id = Pattern.compile("lease ([0-9a-f]+) granted").matcher(granted);
      assertThat(id.find()).as(granted).isTrue();
      long lease = Long.parseUnsignedLong(id.group(1), 16);
      leases.known.add(lease);
      for (String k : List.of("l2", "l1", "l3")) {
        run("put", k, "leased", "--lease=" + id.group(1));
        s.put(bytes(k), bytes("leased"), lease);
      }
      put(s, "l3", "unleased");
      run("lease", "revoke", id.group(1));
      try (TxnWrite tw = s.write()) {
        tw.deleteRange(bytes("l1"), null);
        tw.deleteRange(bytes("l2"), null);
      }

      // A seeded random tail: puts, deletes, prefix deletes and txns over a few keys.
      Random rnd = new Random(11);
      for (int i = 0; i < 30; i++) {
        int ki = rnd.nextInt(6);
        String k = "r" + ki;
        switch (rnd.nextInt(4)) {
          case 0 -> del(s, k);
          case 1 -> delPrefix(s, "r" + rnd.nextInt(2));
          case 2 -> {
            // etcd rejects a txn touching one key twice ("duplicate key given in txn request").
            String other = "r" + (ki + 1 + rnd.nextInt(5)) % 6;
            runWithInput("\nput " + k + " t" + i + "\ndel " + other + "\n\n\n", "txn");
            try (TxnWrite tw = s.write()) {
              tw.put(bytes(k), bytes("t" + i), 0);
              tw.deleteRange(bytes(other), null);
            }
          }
          default -> put(s, k, "v" + i);
        }
      }
      long compactAt = s.rev() - 10;
      run("compaction", "--physical", Long.toString(compactAt));
      s.compact(compactAt).get(30, TimeUnit.SECONDS);
      put(s, "end", "x");
      assertHashesEqual(s, compactAt + 1);
    } finally {
      be.close();
    }
  }
}
