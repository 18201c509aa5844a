package io.etcdj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/run --quick end to end against the installed etcd 3.4.23 and the distribution the server
 * module packaged: only that a table is produced, no thresholds (timings are not tests).
 */
class BenchmarkSmokeTest {
  private static final Path ETCD = Path.of("/usr/bin/etcd");

  @Test
  void quickRunAgainstEtcdAndTheDistributionWritesARowPerWorkloadAndServer(@TempDir Path dir)
      throws Exception {
    assertThat(Files.isExecutable(ETCD))
        .as("etcd 3.4.23 must be installed at %s (./test installs it)", ETCD)
        .isTrue();
    Path etcdj = Path.of(System.getProperty("etcdj.distribution", "missing"));
    assertThat(Files.isExecutable(etcdj))
        .as("the distribution %s must be packaged (mvn -pl bench -am package)", etcdj)
        .isTrue();
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# kept\n", StandardCharsets.UTF_8);

    Benchmark.run(
        Options.parse(
            new String[] {
              "--quick",
              "--etcd",
              ETCD.toString(),
              "--etcdj",
              etcdj.toString(),
              "--out",
              readme.toString(),
              "--label",
              "smoke"
            }));

    String text = Files.readString(readme, StandardCharsets.UTF_8);
    assertThat(text).startsWith("# kept\n").contains(Report.BEGIN).contains(Report.END);
    assertThat(text).contains("| ops/s |").contains("etcd 3.4.23");
    for (Workload w : Workloads.all(new java.util.Random(1))) {
      assertThat(text).contains("| " + w.title() + " | etcd |");
    }
    assertThat(text.lines().filter(l -> l.contains("| etcdj |"))).hasSize(8);
    assertThat(text.lines().filter(l -> l.contains("| **ratio** |"))).hasSize(7);
  }
}
