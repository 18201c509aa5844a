package io.etcdj.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.etcdj.embed.Config;
import io.etcdj.embed.GoText;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Configures Logback from {@code --logger}, {@code --log-level} and {@code --log-outputs}, in code
 * (no logback.xml): {@code zap} writes etcd's JSON lines ({@link ZapJsonEncoder}), {@code capnslog}
 * the human text format ({@link CapnslogEncoder}); {@code default} and {@code stderr} go to stderr,
 * {@code stdout} to stdout, anything else is a file appended to.
 *
 * <p>Threading: the main thread, once at startup (Logback's context is the process's).
 */
final class LogSetup {

  /** A logging setting etcd accepts and etcdj cannot honour yet. */
  static final class UnsupportedException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedException(String message) {
      super(message);
    }
  }

  private LogSetup() {}

  /**
   * Resets {@code ctx} and installs the appenders {@code c} asks for.
   *
   * @throws UnsupportedException for settings the caller must refuse (etcd's texts where etcd has
   *     them)
   */
  static void configure(LoggerContext ctx, Config c, PrintStream out, PrintStream err, ZoneId zone)
      throws UnsupportedException {
    Level level = level(c.logLevel());
    boolean zap;
    switch (c.logger()) {
      case Config.LOGGER_ZAP -> zap = true;
      case Config.LOGGER_CAPNSLOG -> zap = false;
      default ->
          throw new UnsupportedException("unknown logger option " + GoText.quote(c.logger()));
    }
    List<String> outputs = c.logOutputs().isEmpty() ? List.of("default") : c.logOutputs();
    if (c.debug()) {
      level = Level.DEBUG; // etcd: --debug wins over --log-level
    }
    ctx.reset();
    if (ctx.getMDCAdapter() == null) {
      ctx.setMDCAdapter(new LogbackMDCAdapter()); // a LoggerContext not made by SLF4J lacks one
    }
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    for (String o : outputs) {
      LineEncoder enc = zap ? new ZapJsonEncoder(zone) : new CapnslogEncoder(zone);
      enc.setContext(ctx);
      enc.start();
      Appender<ILoggingEvent> a =
          switch (o) {
            case Config.LOG_OUTPUT_DEFAULT, Config.LOG_OUTPUT_STDERR -> stream(ctx, enc, err, o);
            case Config.LOG_OUTPUT_STDOUT -> stream(ctx, enc, out, o);
            case Config.LOG_OUTPUT_JOURNAL ->
                throw new UnsupportedException(
                    "--log-outputs=systemd/journal is not supported by etcdj yet; use stderr (systemd"
                        + " keeps a service's stderr in the journal)");
            default -> file(ctx, enc, o);
          };
      appenders.add(a);
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    for (Appender<ILoggingEvent> a : appenders) {
      root.addAppender(a);
    }
  }

  /** zap's level names; dpanic, panic and fatal keep only error lines (SLF4J's highest). */
  static Level level(String name) throws UnsupportedException {
    return switch (name) {
      case "debug" -> Level.DEBUG;
      case "info" -> Level.INFO;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> throw new UnsupportedException("unknown level " + GoText.quote(name));
    };
  }

  private static Appender<ILoggingEvent> stream(
      LoggerContext ctx, LineEncoder enc, PrintStream target, String name) {
    OutputStreamAppender<ILoggingEvent> a = new OutputStreamAppender<>();
    a.setName(name);
    a.setContext(ctx);
    a.setEncoder(enc);
    a.setImmediateFlush(true);
    a.setOutputStream(unclosable(target));
    a.start();
    return a;
  }

  private static Appender<ILoggingEvent> file(LoggerContext ctx, LineEncoder enc, String path)
      throws UnsupportedException {
    FileAppender<ILoggingEvent> a = new FileAppender<>();
    a.setName(path);
    a.setContext(ctx);
    a.setFile(path);
    a.setAppend(true);
    a.setEncoder(enc);
    a.start();
    if (!a.isStarted()) {
      throw new UnsupportedException("cannot open log output " + GoText.quote(path));
    }
    return a;
  }

  // Stopping an appender closes its stream; stderr and stdout must outlive the logger.
  private static OutputStream unclosable(OutputStream s) {
    return new FilterOutputStream(s) {
      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws java.io.IOException {
        out.flush();
      }
    };
  }
}
