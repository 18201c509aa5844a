package io.etcdj.etcdhttp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Go client's process collector on a /proc/self laid out as Linux does. */
class ProcessMetricsTest {
  @TempDir Path proc;

  @Test
  void readsStatFdsAndLimitsAsTheGoClient() throws Exception {
    // pid (comm) state ppid ... utime=14th stime=15th ... vsize=23rd rss=24th (proc(5), from 1)
    StringBuilder stat = new StringBuilder("4242 (java (x)) S 1");
    for (int i = 5; i <= 52; i++) {
      stat.append(' ')
          .append(
              switch (i) {
                case 14 -> "250";
                case 15 -> "50";
                case 23 -> "8000000";
                case 24 -> "1000";
                default -> "0";
              });
    }
    Files.writeString(proc.resolve("stat"), stat + "\n");
    Files.createDirectories(proc.resolve("fd"));
    for (int i = 0; i < 3; i++) {
      Files.createFile(proc.resolve("fd").resolve(Integer.toString(i)));
    }
    Files.writeString(
        proc.resolve("limits"),
        "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max open files            1024                 524288               files     \n"
            + "Max address space         unlimited            unlimited            bytes     \n");
    MetricRegistry registry = new MetricRegistry();
    EtcdMetrics m = new EtcdMetrics(registry, "3.4.23", 1);
    new ProcessMetrics(proc).registerOn(m);
    String text = new PrometheusText(m.help()).write(registry);
    assertThat(text)
        .contains(
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
                + "# TYPE process_cpu_seconds_total counter\n"
                + "process_cpu_seconds_total 3\n")
        .contains("process_open_fds 3\n")
        .contains("process_max_fds 1024\n")
        .contains("process_virtual_memory_max_bytes 1.8446744073709552e+19\n")
        .contains("process_virtual_memory_bytes 8e+06\n")
        .contains("process_resident_memory_bytes 4.096e+06\n")
        .contains("# TYPE process_start_time_seconds gauge\n");
  }

  @Test
  void withoutProcNothingIsRegistered() {
    MetricRegistry registry = new MetricRegistry();
    EtcdMetrics m = new EtcdMetrics(registry, "3.4.23", 1);
    int before = registry.getMetrics().size();
    new ProcessMetrics(proc.resolve("absent")).registerOn(m);
    assertThat(registry.getMetrics()).hasSize(before);
  }
}
