package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
  private static final Pattern HASH = Pattern.compile("\"hash\":(\\d+)");
  private static final Pattern COMPACT = Pattern.compile("\"compact_revision\":(\\d+)");

  @TempDir static Path dir;
  private static Process etcd;
  private static String endpoint;

  @BeforeAll
  static void startEtcd() throws Exception {
    assumeTrue(Files.isExecutable(ETCD) && Files.isExecutable(ETCDCTL), "etcd not installed");
    int client = freePort();
    int peer = freePort();
    endpoint = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    etcd =
        new ProcessBuilder(
                ETCD.toString(),
                "--name=hashkv",
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + endpoint,
                "--advertise-client-urls=" + endpoint,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=hashkv=" + peerUrl,
                "--logger=zap")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!etcd.isAlive()) {
        throw new IllegalStateException(
            "etcd exited: " + Files.readString(dir.resolve("etcd.out")));
      }
      if (run(false, "endpoint", "health").contains("is healthy")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("etcd did not become healthy");
      }
      Thread.sleep(100); // waiting for an external process; there is no clock to fake
    }
  }

  @AfterAll
  static void stopEtcd() throws InterruptedException {
    if (etcd != null) {
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
        etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String run(boolean check, String... args)
      throws IOException, InterruptedException {
    return runWithInput(check, null, args);
  }

  private static String runWithInput(boolean check, String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ETCDCTL.toString());
    cmd.add("--endpoints=" + endpoint);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("etcdctl timed out: " + cmd);
    }
    if (check && p.exitValue() != 0) {
      throw new IllegalStateException("etcdctl " + cmd + " failed: " + out);
    }
    return out;
  }

  /** etcd's HashKV at {@code rev}: {hash, compact_revision}. */
  private static long[] etcdHashKv(long rev) throws Exception {
    String json = run(true, "endpoint", "hashkv", "--rev=" + rev, "-w", "json");
    Matcher h = HASH.matcher(json);
    assertThat(h.find()).as("hash in %s", json).isTrue();
    Matcher c = COMPACT.matcher(json);
    long compact = c.find() ? Long.parseLong(c.group(1)) : 0;
    return new long[] {Long.parseLong(h.group(1)), compact};
  }

  private static void put(KvStore s, String k, String v) throws Exception {
    run(true, "put", k, v);
    s.put(bytes(k), bytes(v), 0);
  }

  private static void del(KvStore s, String k) throws Exception {
    run(true, "del", k);
    s.deleteRange(bytes(k), null);
  }

  private static void delPrefix(KvStore s, String prefix) throws Exception {
    run(true, "del", "--prefix", prefix);
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
          true,
          "value(\"k1\") = \"v1\"\n\nput k1 v1b\ndel k2\nput k4 v4\n\nput never x\n\n",
          "txn");
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

      run(true, "compaction", "--physical", "7");
      s.compact(7).get(30, TimeUnit.SECONDS);
      put(s, "foo", "after");
      put(s, "z", "zz");
      del(s, "k1");
      assertHashesEqual(s, 8);

      // A lease: its id is stored in each attached key's KeyValue; revoking deletes the keys, in
      // key order, at one revision.
      String granted = run(true, "lease", "grant", "600");
      Matcher id = Pattern.compile("lease ([0-9a-f]+) granted").matcher(granted);
      assertThat(id.find()).as(granted).isTrue();
      long lease = Long.parseUnsignedLong(id.group(1), 16);
      leases.known.add(lease);
      for (String k : List.of("l2", "l1", "l3")) {
        run(true, "put", k, "leased", "--lease=" + id.group(1));
        s.put(bytes(k), bytes("leased"), lease);
      }
      put(s, "l3", "unleased");
      run(true, "lease", "revoke", id.group(1));
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
            runWithInput(true, "\nput " + k + " t" + i + "\ndel " + other + "\n\n\n", "txn");
            try (TxnWrite tw = s.write()) {
              tw.put(bytes(k), bytes("t" + i), 0);
              tw.deleteRange(bytes(other), null);
            }
          }
          default -> put(s, k, "v" + i);
        }
      }
      long compactAt = s.rev() - 10;
      run(true, "compaction", "--physical", Long.toString(compactAt));
      s.compact(compactAt).get(30, TimeUnit.SECONDS);
      put(s, "end", "x");
      assertHashesEqual(s, compactAt + 1);
    } finally {
      be.close();
    }
  }
}
