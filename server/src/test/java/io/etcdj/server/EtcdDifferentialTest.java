package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.KeyValuePair;

/**
 * The same command lines, environments and config files given to etcd 3.4.23 and to etcdj: the exit
 * code and the first line of stderr must match, timestamps and zap's caller aside. Every case is
 * refused by etcd before it listens or writes anything.
 */
class EtcdDifferentialTest {

  @TempDir Path dir;

  /** One case: argv, environment, and an optional config file body written to c.yaml. */
  record Case(String name, List<String> args, Map<String, String> env, String yaml) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case args(String... a) {
    return new Case(String.join(" ", a), List.of(a), Map.of(), null);
  }

  private static Case env(String key, String value, String... a) {
    return new Case(
        key + "=" + value + " " + String.join(" ", a), List.of(a), Map.of(key, value), null);
  }

  private static Case yaml(String body, String... a) {
    List<String> argv = new ArrayList<>(List.of("--config-file", "c.yaml"));
    argv.addAll(List.of(a));
    return new Case(
        "yaml " + body.replace("\n", "\\n") + " " + String.join(" ", a), argv, Map.of(), body);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            // Go flag package syntax and value errors (exit 2, then the usage)
            args("--snapshot-count", "x"),
            args("-snapshot-count=x"),
            args("--no-such"),
            args("-no-such=1"),
            args("--name"),
            args("-name"),
            args("--debug=x"),
            args("--debug=yes"),
            args("---name"),
            args("-=x"),
            args("--=x"),
            args("--backend-batch-interval", "x"),
            args("--backend-batch-interval", "10"),
            args("--heartbeat-interval", "-1"),
            args("--heartbeat-interval", "1e3"),
            args("--heartbeat-interval", "0x"),
            args("--heartbeat-interval", "08"),
            args("--heartbeat-interval", "1__0"),
            args("--max-snapshots", "99999999999999999999"),
            args("--quota-backend-bytes", "9223372036854775808"),
            args("--quota-backend-bytes", "1.5"),
            args("--backend-batch-limit", "x"),
            args("--max-concurrent-streams", "x"),
            args("--max-concurrent-streams", "0x1ffffffff"),
            args("--max-concurrent-streams", "-1"),
            args("--listen-peer-urls", "foo"),
            args("--listen-client-urls", "http://127.0.0.1:0/path"),
            args("--listen-client-urls", "http://127.0.0.1"),
            args("--initial-advertise-peer-urls", "ftp://127.0.0.1:0"),
            args("--initial-cluster-state", "bad"),
            args("--discovery-fallback", "bad"),
            args("--proxy", "bad"),
            args("--cipher-suites"),
            args("--host-whitelist"),
            args("--log-outputs"),
            args("--grpc-keepalive-timeout", "5"),
            args("--experimental-watch-progress-notify-interval", "1d"),
            args("--name", "a", "--no-such"),
            args("--version=maybe"),
            // positional arguments (exit 1, capnslog line)
            args("x"),
            args("-"),
            args("--", "x"),
            args("--debug", "false"),
            args("--name", "a", "b"),
            // validation with the zap logger up (exit 1, zap warn line)
            args("--logger", "zap", "--heartbeat-interval", "0"),
            args("--logger=zap", "--heartbeat-interval", "0x0"),
            args("--logger=zap", "--heartbeat-interval=0b0"),
            args("--logger=zap", "--heartbeat-interval=1_0", "--election-timeout=0o1"),
            args("--logger=zap", "--election-timeout", "60000"),
            args("--logger=zap", "--listen-client-urls", "http://127.0.0.1:0"),
            args("--logger=zap", "--initial-cluster-state", "existing", "--heartbeat-interval=0"),
            args("--logger=zap", "--auto-compaction-mode", "bad"),
            args("--logger=zap", "--listen-peer-urls", "http://example.com:0"),
            args("--logger=zap", "--initial-cluster", "a=http://x:1", "--discovery-srv", "x"),
            args(
                "--logger=zap",
                "--experimental-enable-lease-checkpoint-persist",
                "--heartbeat-interval=100"),
            // validation before the logger exists (exit 1, capnslog line)
            args("--logger", "bad"),
            args("--logger=zap", "--log-outputs=default,stderr"),
            args("--log-output=stderr", "--log-outputs=stderr"),
            // environment
            env("ETCD_NAME", "a", "--name", "b"),
            env("ETCD_NAME", "", "--name", "b", "--heartbeat-interval", "0"),
            env("ETCD_SNAPSHOT_COUNT", "x"),
            env("ETCD_DEBUG", "maybe"),
            env("ETCD_FOO", "1", "--heartbeat-interval", "0"),
            env("ETCD_HEARTBEAT_INTERVAL", "0"),
            env("ETCD_V", "1", "--heartbeat-interval", "0"),
            env("ETCD_CONFIG_FILE", "/nonexistent"),
            env("ETCD_LOGGER", "zap", "--heartbeat-interval", "0"),
            // config file
            args("--config-file", "/nonexistent"),
            yaml("snapshot-count: abc\n"),
            yaml("snapshot-count: 1.5\n"),
            yaml("snapshot-count: -1\n"),
            yaml("backend-batch-interval: 1s\n"),
            yaml("debug: \"true\"\n"),
            yaml("log-outputs: stderr\n"),
            yaml("cipher-suites: abc\n"),
            yaml("client-transport-security:\n  cert-file: 1\n"),
            yaml("a: b\n  c: d\n"),
            yaml("logger: capnslog\nheartbeat-interval: 0\n", "--heartbeat-interval", "100"),
            yaml("logger: capnslog\nHeartbeat-Interval: 0\n"),
            yaml("logger: capnslog\nno-such-key: 1\nheartbeat-interval: 0\n"),
            yaml("logger: capnslog\nheartbeat-interval: 0x10\nelection-timeout: 1\n"),
            yaml("logger: capnslog\nheartbeat-interval: null\nelection-timeout: 1\n"),
            yaml("heartbeat-interval: 0\nlogger: zap\n"),
            yaml("heartbeat-interval: 100\n", "--no-such"),
            yaml("listen-peer-urls: foo\n"),
            yaml("logger: capnslog\nproxy: bad\n"),
            yaml("proxy-failure-wait: x\nlogger: zap\n"),
            yaml("discovery-fallback: bad\nlogger: capnslog\n"),
            yaml("logger: capnslog\ninitial-cluster-state: bad\nheartbeat-interval: 0\n"))
        .map(Arguments::of);
  }

  // capnslog's timestamp, zap's ts and caller: the only parts allowed to differ
  private static String normalize(String line) {
    return line.replaceFirst("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} ", "<time> ")
        .replaceFirst("\"ts\":\"[^\"]*\"", "\"ts\":<ts>")
        .replaceFirst("\"caller\":\"[^\"]*\"", "\"caller\":<caller>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameExitCodeAndFirstStderrLine(Case c) throws Exception {
    Path etcdDir = Files.createDirectories(dir.resolve("etcd"));
    Path ourDir = Files.createDirectories(dir.resolve("etcdj"));
    List<String> ourArgs = new ArrayList<>(c.args());
    if (c.yaml() != null) {
      Files.writeString(etcdDir.resolve("c.yaml"), c.yaml());
      Files.writeString(ourDir.resolve("c.yaml"), c.yaml());
      ourArgs.set(1, ourDir.resolve("c.yaml").toString());
    }
    RealEtcd.Result etcd = RealEtcd.run(etcdDir, c.args(), c.env(), 10);
    Cli cli = new Cli();
    cli.env.putAll(c.env());
    int exit = cli.run(ourArgs.toArray(String[]::new));

    String etcdLine = normalize(etcd.firstErrLine());
    String ourLine = normalize(cli.errLines().isEmpty() ? "" : cli.errLines().get(0));
    if (c.yaml() != null) {
      ourLine = ourLine.replace(ourDir.resolve("c.yaml").toString(), "c.yaml");
    }
    assertThat(ourLine).as("first stderr line").isEqualTo(etcdLine);
    assertThat(exit).as("exit code (etcd stderr: %s)", etcd.stderr()).isEqualTo(etcd.exit());
    assertThat(cli.launched).as("nothing launched").isNull();
    // refused before anything was created
    try (Stream<Path> files = Files.list(etcdDir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.startsWith("etcd.") || n.equals("c.yaml"));
    }
  }

  @Test
  void helpGoesToTheSameStreamsWithTheSameExitCode() throws Exception {
    for (String h : List.of("-h", "--help", "-help")) {
      RealEtcd.Result etcd = RealEtcd.run(dir, List.of(h), Map.of(), 10);
      Cli cli = new Cli();
      assertThat(cli.run(h)).isEqualTo(etcd.exit()).isZero();
      assertThat(cli.errLines().get(0)).isEqualTo(etcd.firstErrLine()).isEqualTo("Usage:");
      assertThat(etcd.stdout()).contains("--snapshot-count '100000'");
      assertThat(cli.out()).contains("--snapshot-count '100000'");
    }
  }

  /**
   * Starts etcd 3.4.23 with {@code --logger zap} on ephemeral loopback ports and a temp data dir,
   * reads its first log line, and checks our encoder writes the same keys in the same order with
   * the same value shapes.
   */
  @Test
  void zapLinesHaveEtcdsShape() throws Exception {
    Path data = dir.resolve("zap");
    Files.createDirectories(data);
    Process p =
        RealEtcd.start(
            data,
            List.of(
                "--logger=zap",
                "--data-dir=" + data.resolve("d"),
                "--listen-client-urls=http://127.0.0.1:0",
                "--advertise-client-urls=http://127.0.0.1:0",
                "--listen-peer-urls=http://127.0.0.1:0",
                "--initial-advertise-peer-urls=http://127.0.0.1:0",
                "--initial-cluster=default=http://127.0.0.1:0"));
    String first;
    try {
      Path err = data.resolve("etcd.stderr");
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> Files.readString(err, StandardCharsets.UTF_8).contains("\n"));
      first = Files.readString(err, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    } finally {
      p.destroy();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    // {"level":"info","ts":"...","caller":"embed/etcd.go:117","msg":"configuring peer
    // listeners","listen-peer-urls":["http://127.0.0.1:0"]}
    assertThat(keys(first)).containsExactly("level", "ts", "caller", "msg", "listen-peer-urls");
    assertThat(first)
        .matches(".*\"ts\":\"" + ZapJsonEncoderTest.TS + "\".*")
        .contains("\"listen-peer-urls\":[\"http://127.0.0.1:0\"]");

    LoggingEvent e = new LoggingEvent();
    e.setLevel(Level.INFO);
    e.setMessage("configuring peer listeners");
    e.setLoggerName("io.etcdj.embed.StartEtcd");
    e.setInstant(java.time.Instant.now());
    e.setCallerData(
        new StackTraceElement[] {
          new StackTraceElement("io.etcdj.embed.StartEtcd", "start", "StartEtcd.java", 117)
        });
    e.addKeyValuePair(new KeyValuePair("listen-peer-urls", List.of("http://127.0.0.1:0")));
    String ours = new String(new ZapJsonEncoder(ZoneOffset.UTC).encode(e), StandardCharsets.UTF_8);
    assertThat(keys(ours)).isEqualTo(keys(first));
    assertThat(ours.strip().replaceAll("\"(ts|caller)\":\"[^\"]*\"", "\"$1\":_"))
        .isEqualTo(first.replaceAll("\"(ts|caller)\":\"[^\"]*\"", "\"$1\":_"));
  }

  private static List<String> keys(String json) {
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("[{,]\"([^\"]+)\":").matcher(json);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }
}
