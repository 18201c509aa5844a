package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.b;
import static io.etcdj.storage.backend.TestBackends.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM commits batches in a loop and is killed with SIGKILL at a random moment; reopening
 * must show the last batch it reported committed (or a later one) and never half a batch.
 */
class CrashSafetyTest {
  private static final int ROUNDS = 4;

  @TempDir Path dir;

  @Test
  void sigkillNeverLosesACommittedBatchNorShowsHalfOfOne() throws Exception {
    Path db = dir.resolve("member/snap/db");
    Random random = new Random(42);
    long lastReported = 0;
    for (int round = 0; round < ROUNDS; round++) {
      AtomicLong reported = new AtomicLong(-1);
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWriterMain.class.getName(),
                  db.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        Thread pump =
            new Thread(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                      reported.set(Long.parseLong(line.trim()));
                    }
                  } catch (Exception e) {
                    // the child died; what was read so far counts
                  }
                });
        pump.start();
        // wait until the child is committing, then kill it at a random moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reported.get() < lastReported + 1 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(150));
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor(10, TimeUnit.SECONDS);
        pump.join(5_000);
      } finally {
        child.destroyForcibly();
      }
      assertThat(reported.get()).as("child made progress in round %s", round).isPositive();
      try (LmdbBackend be =
          LmdbBackend.open(BackendConfig.builder(db).executor(new ManualScheduler()).build())) {
        try (ReadTx tx = be.concurrentReadTx()) {
          long batch = Long.parseLong(s(tx.unsafeRange(Bucket.META, b("batch"), null, 0).value(0)));
          assertThat(batch).isGreaterThanOrEqualTo(reported.get());
          List<byte[]> values = tx.unsafeRange(Bucket.KEY, b("k"), b("l"), 0).values();
          assertThat(values).hasSize(100);
          for (byte[] v : values) {
            assertThat(s(v)).isEqualTo(Long.toString(batch));
          }
          lastReported = batch;
        }
      }
    }
  }
}
