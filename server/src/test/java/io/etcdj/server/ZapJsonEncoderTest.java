package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.etcdj.embed.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.event.KeyValuePair;

/**
 * etcd's zap lines (pkg/logutil DefaultZapLoggerConfig), as measured on etcd 3.4.23: {@code
 * {"level":"warn","ts":"2026-12-03T06:49:24.085Z","caller":"etcdmain/etcd.go:66","msg":"failed to
 * verify flags","error":"..."}}.
 */
class ZapJsonEncoderTest {

  /** zap's ISO8601TimeEncoder: milliseconds and Z or +hhmm. */
  static final String TS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})";

  @TempDir Path dir;

  private static LoggingEvent event(Level level, String msg) {
    LoggingEvent e = new LoggingEvent();
    e.setLevel(level);
    e.setMessage(msg);
    e.setLoggerName("io.etcdj.etcdserver.Server");
    e.setInstant(Instant.parse("2026-12-03T06:49:24.085912Z"));
    e.setCallerData(
        new StackTraceElement[] {
          new StackTraceElement("io.etcdj.etcdserver.Server", "publish", "Server.java", 66)
        });
    return e;
  }

  @Test
  void keysAndOrderAreZaps() {
    LoggingEvent e = event(Level.WARN, "failed to verify flags");
    e.addKeyValuePair(new KeyValuePair("error", "bad \"x\"\n"));
    e.addKeyValuePair(new KeyValuePair("count", 3L));
    e.addKeyValuePair(new KeyValuePair("took", Duration.ofMillis(1500)));
    e.addKeyValuePair(new KeyValuePair("urls", List.of("http://a:1", "http://b:2")));
    String line = new String(new ZapJsonEncoder(ZoneOffset.UTC).encode(e), StandardCharsets.UTF_8);
    assertThat(line)
        .isEqualTo(
            "{\"level\":\"warn\",\"ts\":\"2026-12-03T06:49:24.085Z\","
                + "\"caller\":\"etcdserver/Server.java:66\",\"msg\":\"failed to verify flags\","
                + "\"error\":\"bad \\\"x\\\"\\n\",\"count\":3,\"took\":\"1.5s\","
                + "\"urls\":[\"http://a:1\",\"http://b:2\"]}\n");
  }

  @Test
  void timeCarriesTheZoneAsZapDoes() {
    String line =
        new String(
            new ZapJsonEncoder(ZoneId.of("Europe/Berlin")).encode(event(Level.INFO, "m")),
            StandardCharsets.UTF_8);
    assertThat(line).contains("\"ts\":\"2026-12-03T07:49:24.085+0100\"");
    assertThat(line).startsWith("{\"level\":\"info\",");
  }

  @Test
  void capnslogFormatIsTheHumanOne() {
    String line =
        new String(
            new CapnslogEncoder(ZoneOffset.UTC).encode(event(Level.ERROR, "boom")),
            StandardCharsets.UTF_8);
    assertThat(line).isEqualTo("2026-12-03 06:49:24.085912 E | etcdserver: boom\n");
  }

  @Test
  void levelsFilterAsZapLevels() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LoggerContext ctx = new LoggerContext();
    Config c = new Config().logLevel("warn");
    LogSetup.configure(
        ctx, c, System.out, new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
    Logger log = ctx.getLogger("io.etcdj.x.Y");
    log.info("hidden");
    log.warn("shown");
    ctx.stop();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .doesNotContain("hidden")
        .matches(
            "\\{\"level\":\"warn\",\"ts\":\""
                + TS
                + "\",\"caller\":\"server/[^\"]+\",\"msg\":\"shown\"}\n");
    assertThat(LogSetup.level("fatal")).isEqualTo(Level.ERROR);
    assertThat(LogSetup.level("panic")).isEqualTo(Level.ERROR);
  }

  @Test
  void outputsGoToFilesAndStdout() throws Exception {
    Path file = dir.resolve("etcd.log");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext ctx = new LoggerContext();
    Config c = new Config().logOutputs(List.of(file.toString(), "stdout"));
    LogSetup.configure(
        ctx, c, new PrintStream(out, true, StandardCharsets.UTF_8), System.err, ZoneOffset.UTC);
    ctx.getLogger("io.etcdj.x.Y").info("ready to serve client requests");
    ctx.stop();
    assertThat(Files.readString(file)).contains("\"msg\":\"ready to serve client requests\"");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"msg\":\"ready to serve client requests\"");
  }

  @Test
  void capnslogLoggerWritesText() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LoggerContext ctx = new LoggerContext();
    LogSetup.configure(
        ctx,
        new Config().logger("capnslog"),
        System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8),
        ZoneOffset.UTC);
    ctx.getLogger("io.etcdj.etcdserver.Server").info("published");
    ctx.stop();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} I \\| etcdserver: published\n");
  }
}
