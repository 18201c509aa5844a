package io.etcdj.storage.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An slf4j logger that starts every line with {@code local-member-id=<hex>} (etcd's zap field of
 * that name), so the WAL and snapshot lines of several members in one JVM can be told apart. With
 * member id 0 (unknown, e.g. tools reading a data directory) lines carry no prefix.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemberLogger {
  private final Logger log;
  private final String prefix;

  private MemberLogger(Logger log, String prefix) {
    this.log = log;
    this.prefix = prefix;
  }

  /** A logger named after {@code owner} for member {@code memberId} (0 = none). */
  public static MemberLogger of(Class<?> owner, long memberId) {
    return new MemberLogger(LoggerFactory.getLogger(owner), prefixFor(memberId));
  }

  /** The prefix lines get: {@code "local-member-id=8e9e05c52164694d "}, or empty for 0. */
  public static String prefixFor(long memberId) {
    return memberId == 0 ? "" : "local-member-id=" + Long.toHexString(memberId) + " ";
  }

  public void info(String format, Object... args) {
    if (log.isInfoEnabled()) {
      log.info(prefix + format, args);
    }
  }

  public void warn(String format, Object... args) {
    if (log.isWarnEnabled()) {
      log.warn(prefix + format, args);
    }
  }
}
