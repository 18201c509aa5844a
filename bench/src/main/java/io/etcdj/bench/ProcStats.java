package io.etcdj.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process's memory and CPU time as Linux reports them in {@code /proc/<pid>}. Any thread.
 *
 * <p>{@code VmRSS} counts a page once per mapping, and a JDK 17 ZGC heap is mapped three times
 * (multi-mapping), so for etcdj it overstates the memory used up to threefold; {@code Pss} from
 * {@code smaps_rollup} divides each page among its mappings and is the fair figure for both.
 */
final class ProcStats {
  private final long pid;
  private final long clockTicksPerSecond;

  ProcStats(long pid, long clockTicksPerSecond) {
    this.pid = pid;
    this.clockTicksPerSecond = clockTicksPerSecond;
  }

  /** {@code VmRSS} of /proc/pid/status, in bytes. */
  long rssBytes() throws IOException {
    return kibField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:") * 1024;
  }

  /** {@code Pss} of /proc/pid/smaps_rollup, in bytes; -1 where the kernel lacks the file. */
  long pssBytes() throws IOException {
    Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
    if (!Files.isReadable(rollup)) {
      return -1;
    }
    return kibField(rollup, "Pss:") * 1024;
  }

  /** utime + stime of /proc/pid/stat (all threads), in seconds. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces; fields count from its end.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return (double) ticks / clockTicksPerSecond;
  }

  /** The kernel's USER_HZ (getconf CLK_TCK); 100 when getconf is missing. */
  static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static long kibField(Path file, String name) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(file + " has no " + name + " line (has the process exited?)");
  }
}
