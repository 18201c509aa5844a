package io.etcdj.server;

import ch.qos.logback.classic.LoggerContext;
import io.etcdj.embed.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link EtcdMain} in-process with captured streams and a launcher that records its Config.
 */
final class Cli {
  static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-03T06:49:24.085123Z"), ZoneOffset.UTC);

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Map<String, String> env = new LinkedHashMap<>();
  final LoggerContext logContext = new LoggerContext();
  Config launched;
  SdNotify notify;
  int launcherExit = 0;

  Cli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  int run(String... args) {
    EtcdMain main =
        new EtcdMain(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            CLOCK,
            logContext,
            (config, n) -> {
              launched = config;
              notify = n;
              return launcherExit;
            });
    try {
      return main.run(List.of(args));
    } finally {
      logContext.stop();
    }
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  List<String> errLines() {
    return err().lines().toList();
  }
}
