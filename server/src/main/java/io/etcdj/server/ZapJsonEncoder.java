package io.etcdj.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.etcdj.embed.GoDuration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, as etcd 3.4's zap logger writes them ({@code
 * pkg/logutil.DefaultZapLoggerConfig}): keys {@code level} (lower case), {@code ts} (ISO 8601 with
 * milliseconds and a {@code Z}/{@code +hhmm} zone), {@code caller} ({@code
 * package/File.java:line}), {@code msg}, then the event's SLF4J key-value pairs as zap fields, a
 * throwable as {@code error}.
 *
 * <p>Threading: Logback calls it under the appender's lock; it holds no state besides settings.
 */
final class ZapJsonEncoder extends LineEncoder {
  private final DateTimeFormatter time;

  ZapJsonEncoder(ZoneId zone) {
    this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX").withZone(zone);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"level\":\"").append(level(event.getLevel())).append('"');
    sb.append(",\"ts\":\"").append(time.format(event.getInstant())).append('"');
    String caller = caller(event);
    if (caller != null) {
      sb.append(",\"caller\":");
      string(sb, caller);
    }
    sb.append(",\"msg\":");
    string(sb, event.getFormattedMessage());
    List<KeyValuePair> kvs = event.getKeyValuePairs();
    if (kvs != null) {
      for (KeyValuePair kv : kvs) {
        sb.append(',');
        string(sb, kv.key);
        sb.append(':');
        value(sb, kv.value);
      }
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      sb.append(",\"error\":");
      string(sb, t.getMessage() == null ? t.getClassName() : t.getMessage());
    }
    sb.append("}\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String level(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "error";
      case Level.WARN_INT -> "warn";
      case Level.INFO_INT -> "info";
      default -> "debug";
    };
  }

  // zap's ShortCallerEncoder gives "dir/file.go:line"; ours is "package/File.java:line".
  static String caller(ILoggingEvent event) {
    StackTraceElement[] data = event.getCallerData();
    if (data == null || data.length == 0) {
      return null;
    }
    StackTraceElement e = data[0];
    String cls = e.getClassName();
    int dot = cls.lastIndexOf('.');
    String pkg = dot < 0 ? "" : cls.substring(0, dot);
    String dir = pkg.substring(pkg.lastIndexOf('.') + 1);
    String file = e.getFileName() == null ? cls.substring(dot + 1) + ".java" : e.getFileName();
    return (dir.isEmpty() ? "" : dir + "/") + file + ":" + e.getLineNumber();
  }

  private static void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof java.math.BigInteger) {
      sb.append(v);
    } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
      sb.append(d);
    } else if (v instanceof Duration d) {
      string(sb, GoDuration.format(d)); // zap's StringDurationEncoder
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        value(sb, o);
      }
      sb.append(']');
    } else if (v instanceof Throwable t) {
      string(sb, t.getMessage() == null ? t.toString() : t.getMessage());
    } else {
      string(sb, v.toString());
    }
  }

  /** A JSON string as zap escapes it: quotes, backslashes and control characters only. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
