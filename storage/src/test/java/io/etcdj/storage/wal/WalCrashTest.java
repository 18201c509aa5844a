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

/**
 * Kills a WAL-writing child JVM with SIGKILL at random moments; whatever the child was told is
 * durable must survive reopening (with repair), and no entry may come back wrong.
 */
class WalCrashTest {
  private static final long SEGMENT = 64 * 1024;
  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  private Process startChild(Path dir, int round) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx64m",
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
}
