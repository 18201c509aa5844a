package io.etcdj.etcdhttp.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Prometheus Go client's process collector, which etcd's registry carries: {@code
 * process_cpu_seconds_total}, {@code process_open_fds}, {@code process_max_fds}, {@code
 * process_virtual_memory_bytes}, {@code process_virtual_memory_max_bytes}, {@code
 * process_resident_memory_bytes} and {@code process_start_time_seconds}, read from Linux's {@code
 * /proc/self} at each scrape as the Go client does. Elsewhere the series are not registered.
 *
 * <p>Stateless apart from the root path; safe from any thread.
 */
public final class ProcessMetrics {
  private static final long PAGE_SIZE = 4096;
  private static final double CLOCK_TICKS = 100; // USER_HZ, as the Go client assumes

  private final Path proc;

  ProcessMetrics(Path proc) {
    this.proc = proc;
  }

  /** Registers the process series of this JVM on {@code m}, if it runs on Linux. */
  public static void register(EtcdMetrics m) {
    new ProcessMetrics(Path.of("/proc/self")).registerOn(m);
  }

  void registerOn(EtcdMetrics m) {
    if (stat() == null) {
      return;
    }
    m.doubleCounter(
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        () -> {
          String[] f = stat();
          return f == null ? 0 : (Long.parseLong(f[13]) + Long.parseLong(f[14])) / CLOCK_TICKS;
        });
    m.gauge("process_open_fds", "Number of open file descriptors.", this::openFds);
    m.doubleGauge(
        "process_max_fds",
        "Maximum number of open file descriptors.",
        () -> limit("Max open files"));
    m.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", () -> statField(22));
    m.doubleGauge(
        "process_virtual_memory_max_bytes",
        "Maximum amount of virtual memory available in bytes.",
        () -> limit("Max address space"));
    m.gauge(
        "process_resident_memory_bytes",
        "Resident memory size in bytes.",
        () -> statField(23) * PAGE_SIZE);
    double start =
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(i -> i.getEpochSecond() + i.getNano() / 1e9)
            .orElse(0.0);
    m.doubleGauge(
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        () -> start);
  }

  /** The fields of {@code stat} after the command, numbered as in proc(5) from 0; null if none. */
  String[] stat() {
    try {
      String s = Files.readString(proc.resolve("stat"));
      // the command may hold spaces and parentheses: fields start after the last ')'
      String rest = s.substring(s.lastIndexOf(')') + 2);
      String[] after = rest.trim().split(" +");
      String[] f = new String[after.length + 2];
      System.arraycopy(after, 0, f, 2, after.length);
      return f;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private long statField(int i) {
    String[] f = stat();
    return f == null ? 0 : Long.parseLong(f[i]);
  }

  long openFds() {
    long n = 0;
    try (DirectoryStream<Path> d = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path ignored : d) {
        n++;
      }
    } catch (IOException e) {
      return 0;
    }
    return n;
  }

  /**
   * The soft limit named {@code name} in {@code limits}; unlimited is the largest uint64, as Go's
   * procfs reads it.
   */
  double limit(String name) {
    try {
      List<String> lines = Files.readAllLines(proc.resolve("limits"));
      for (String l : lines) {
        if (l.startsWith(name)) {
          String soft = l.substring(name.length()).trim().split(" +")[0];
          return soft.equals("unlimited") ? 0x1p64 : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
