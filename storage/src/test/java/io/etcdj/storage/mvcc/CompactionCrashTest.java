package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.CompactionCrashMain.COMPACT_AT;
import static io.etcdj.storage.mvcc.CompactionCrashMain.PUTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM is SIGKILLed in the middle of a compaction's batched deletion; reopening the store
 * must resume and finish it (etcd TestRestoreContinueUnfinishedCompaction, with a real crash), and
 * the result must equal a store that compacted without crashing.
 */
class CompactionCrashTest {
  @TempDir Path dir;

  @Test
  void compactionKilledMidwayResumesOnReopen() throws Exception {
    Path db = dir.resolve("db");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CompactionCrashMain.class.getName(),
                db.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo("compacting");
      // 40 batches of 100 with 50 ms pauses take about 2 s; kill after a few batches.
      Thread.sleep(300); // the child runs on real time; there is no clock to fake across processes
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    try (LmdbBackend be = LmdbBackend.open(BackendConfig.builder(db).mapSize(64L << 20).build())) {
      KvBackend kb = new BackendKv(be);
      int below = countUpTo(kb, COMPACT_AT);
      assertThat(KvStoreContractTest.bucket(kb, "meta").containsKey(KvStore.FINISHED_COMPACT_KEY))
          .as("the kill came before the compaction finished")
          .isFalse();
      assertThat(below).as("some but not all revisions deleted").isLessThan((int) COMPACT_AT - 1);

      try (KvStore s = KvStore.open(kb, KeyLeases.NONE, null, KvStoreContractTest.INLINE)) {
        assertThat(s.compactRev()).isEqualTo(COMPACT_AT);
        assertThat(s.rev()).isEqualTo(PUTS + 1);
        assertThat(countUpTo(kb, COMPACT_AT)).isEqualTo(CompactionCrashMain.KEYS);
        assertThatThrownBy(
                () -> s.range(new byte[] {0}, new byte[0], RangeOptions.atRev(COMPACT_AT - 1)))
            .hasMessage("mvcc: required revision has been compacted");
        assertThat(s.hashByRev(0)).isEqualTo(reference().hashByRev(0));
      }
    }
  }

  private static int countUpTo(KvBackend b, long rev) {
    try (KvBackend.ReadTx tx = b.openRead()) {
      return tx.range(
              KvBackend.KEY_BUCKET, Revision.of(1).toBytes(), Revision.of(rev + 1).toBytes(), 0)
          .keys()
          .size();
    }
  }

  /** The same history compacted without a crash. */
  private static KvStore reference() throws Exception {
    KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, KvStoreContractTest.INLINE);
    for (int i = 0; i < PUTS; i++) {
      s.put(CompactionCrashMain.key(i), CompactionCrashMain.value(i), 0);
    }
    s.compact(COMPACT_AT).get();
    return s;
  }
}
