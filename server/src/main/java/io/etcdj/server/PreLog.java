package io.etcdj.server;

import java.io.PrintStream;
import java.time.Clock;

/**
 * Where etcdmain writes before the node's logger exists: capnslog lines on stderr, as etcd 3.4's
 * package loggers print them at their default level (info).
 *
 * <p>Threading: the main thread, during startup.
 */
final class PreLog {
  static final String ETCDMAIN = "etcdmain";
  static final String PKG_FLAGS = "pkg/flags";

  private final PrintStream err;
  private final Clock clock;

  PreLog(PrintStream err, Clock clock) {
    this.err = err;
    this.clock = clock;
  }

  void info(String pkg, String text) {
    line('I', pkg, text);
  }

  void warning(String pkg, String text) {
    line('W', pkg, text);
  }

  void error(String pkg, String text) {
    line('E', pkg, text);
  }

  /** capnslog's Fatalf: the caller exits with status 1 afterwards. */
  void critical(String pkg, String text) {
    line('C', pkg, text);
  }

  /** A line without capnslog's prefix ({@code [WARNING] ...} texts etcd prints with fmt). */
  void raw(String text) {
    err.println(text);
  }

  private void line(char level, String pkg, String text) {
    err.println(CapnslogLine.format(clock, level, pkg, text));
  }
}
