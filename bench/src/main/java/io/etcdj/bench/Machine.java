package io.etcdj.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a run was on, as the report states it. */
record Machine(int nproc, long memTotalBytes, String kernel, String cpu, String jdk) {
  static Machine current() throws IOException {
    long mem = 0;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
      if (line.startsWith("MemTotal:")) {
        mem = Long.parseLong(line.substring(9).trim().split("\\s+")[0]) * 1024;
      }
    }
    String cpu = "unknown CPU";
    List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
    for (String line : cpuinfo) {
      if (line.startsWith("model name")) {
        cpu = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        mem,
        Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(),
        cpu,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  /** The 1-, 5- and 15-minute load averages of /proc/loadavg. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The 1-minute load average; NaN when unknown. */
  static double loadAverage1() {
    try {
      return Double.parseDouble(loadAverage().split(" ")[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
