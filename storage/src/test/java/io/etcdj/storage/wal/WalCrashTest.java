package io.etcdj.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.Entry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a WAL-writing child JVM with SIGKILL at random moments; whatever the child was told is
 * durable must survive reopening (with repair), and no entry may come back wrong.
 */
class WalCrashTest {
  private static final long SEGMENT = 64 * 1024;
  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  private Process startChild(Path dir, int round) throws Exception {
    return startChild(dir, round, "none");
  }

  private Process startChild(Path dir, int round, String haltAt) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx64m",
            "-Dwalcrash.haltAt=" + haltAt,
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            WalCrashChild.class.getName(),
            dir.toString(),
            Long.toString(SEGMENT))
        .redirectError(tmp.resolve("child-" + round + ".err").toFile())
        .start();
  }

  @Test
  void sigkillNeverLosesAnAcknowledgedEntry() throws Exception {
    Path dir = tmp.resolve("wal");
    SplittableRandom rnd = new SplittableRandom(20261125);
    long durable = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Process child = startChild(dir, round);
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String ready = in.readLine();
        assertThat(ready).as("child start, round %d", round).startsWith("ready ");
        assertThat(Long.parseLong(ready.substring(6))).isGreaterThanOrEqualTo(durable);
        int killAfter = 1 + rnd.nextInt(600);
        for (int i = 0; i < killAfter; i++) {
          String line = in.readLine();
          assertThat(line).as("child output, round %d", round).startsWith("durable ");
          durable = Long.parseLong(line.substring(8));
          if (round == 0 && i == 0) {
            // While the child holds the WAL, another process cannot open it.
            assertThatThrownBy(() -> Wal.open(dir, WalFixtures.ZERO_SNAP))
                .isInstanceOf(WalException.class)
                .hasMessageStartingWith("fileutil: file already locked")
                .hasMessageContaining(dir.toString());
          }
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      try (Wal w = WalCrashChild.openRepairing(dir, new WalOptions(SEGMENT, false))) {
        // openRepairing already ran readAll; read again without locks to inspect.
      }
      try (Wal r = Wal.openForRead(dir, WalFixtures.ZERO_SNAP)) {
        List<Entry> ents = r.readAll().entries();
        assertThat((long) ents.size()).as("round %d", round).isGreaterThanOrEqualTo(durable);
        for (int i = 0; i < ents.size(); i++) {
          assertThat(ents.get(i)).isEqualTo(WalCrashChild.entry(i + 1));
        }
        durable = ents.size();
      }
    }
    assertThat(durable).isGreaterThan(ROUNDS);
    // The run crossed segment boundaries, so cuts were among the crash points.
    assertThat(WalNames.read(dir).size()).isGreaterThan(1);
  }

  /** Reads the recovered log and checks it against what the child called durable. */
  private static long checkRecovered(Path dir, long durable) throws Exception {
    try (Wal w = WalCrashChild.openRepairing(dir, new WalOptions(SEGMENT, false))) {
      // readAll done; the WAL opened for append, so it is usable.
    }
    try (Wal r = Wal.openForRead(dir, WalFixtures.ZERO_SNAP)) {
      List<Entry> ents = r.readAll().entries();
      assertThat((long) ents.size()).isGreaterThanOrEqualTo(durable);
      for (int i = 0; i < ents.size(); i++) {
        assertThat(ents.get(i)).isEqualTo(WalCrashChild.entry(i + 1));
      }
      return ents.size();
    }
  }

  /**
   * Dies (as if SIGKILLed) at each step of cutting a segment and in the middle of a batch; each
   * time the WAL reopens with everything acknowledged, and a second run appends past the cut.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "saveAfterEntry",
        "cutAfterOldSegmentSynced",
        "cutBeforeHeaderSynced",
        "cutBeforeRename",
        "cutAfterRename"
      })
  void crashAtEachStepOfACutLosesNothingAcknowledged(String point) throws Exception {
    Path dir = tmp.resolve("wal-" + point);
    long durable = 0;
    for (int run = 0; run < 2; run++) {
      Process child = startChild(dir, run, run == 0 ? point : "none");
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        assertThat(in.readLine()).startsWith("ready ");
        int lines = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          durable = Long.parseLong(line.substring(8));
          if (run == 1 && ++lines == 300) {
            break; // far enough past the earlier crash to have cut again
          }
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      if (run == 0) {
        assertThat(child.exitValue()).as("halted at %s", point).isEqualTo(137);
      }
      durable = checkRecovered(dir, durable);
    }
    assertThat(WalNames.read(dir).size()).isGreaterThan(1);
  }
}
