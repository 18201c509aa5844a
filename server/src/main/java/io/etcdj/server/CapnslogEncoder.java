package io.etcdj.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The human format: capnslog's text lines ({@code 2006-01-02 15:04:05.000000 I | etcdserver:
 * text}), what etcd 3.4 prints with {@code --logger=capnslog}. The package is the last segment of
 * the logger's Java package; key-value pairs follow the message as {@code key=value}.
 *
 * <p>Threading: Logback calls it under the appender's lock; it holds no state besides settings.
 */
final class CapnslogEncoder extends LineEncoder {
  private final DateTimeFormatter time;

  CapnslogEncoder(ZoneId zone) {
    this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(zone);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(time.format(event.getInstant()))
        .append(' ')
        .append(letter(event.getLevel()))
        .append(" | ")
        .append(pkg(event.getLoggerName()))
        .append(": ")
        .append(event.getFormattedMessage());
    List<KeyValuePair> kvs = event.getKeyValuePairs();
    if (kvs != null) {
      for (KeyValuePair kv : kvs) {
        sb.append(' ').append(kv.key).append('=').append(kv.value);
      }
    }
    if (event.getThrowableProxy() != null) {
      sb.append(" (").append(event.getThrowableProxy().getMessage()).append(')');
    }
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static char letter(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 'E';
      case Level.WARN_INT -> 'W';
      case Level.INFO_INT -> 'I';
      case Level.DEBUG_INT -> 'D';
      default -> 'T';
    };
  }

  private static String pkg(String loggerName) {
    int dot = loggerName.lastIndexOf('.');
    if (dot < 0) {
      return loggerName;
    }
    String p = loggerName.substring(0, dot);
    return p.substring(p.lastIndexOf('.') + 1);
  }
}
