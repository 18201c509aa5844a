package io.etcdj.server;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A log line in capnslog's text format, {@code 2006-01-02 15:04:05.000000 E | etcdmain: text}: what
 * etcd 3.4 prints before its logger is set up (flag and environment problems) and what {@code
 * --logger=capnslog} prints throughout.
 *
 * <p>Threading: stateless apart from the injected clock.
 */
final class CapnslogLine {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private CapnslogLine() {}

  /**
   * @param level capnslog's letter: C (critical), E, W, N (notice), I, D, T
   * @param pkg the package prefix, e.g. {@code etcdmain} or {@code pkg/flags}
   */
  static String format(Clock clock, char level, String pkg, String text) {
    return TIME.format(ZonedDateTime.now(clock)) + " " + level + " | " + pkg + ": " + text;
  }
}
