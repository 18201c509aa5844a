package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.embed.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --config-file as etcd 3.4.23 reads it (embed/config.go configFromFile, etcdmain/config.go
 * configFromFile); error texts measured on the real binary.
 */
class ConfigFileTest {

  @TempDir Path dir;

  @Test
  void readsEtcdsKeysWithTheirTypes() throws Exception {
    Config c =
        ConfigFile.parse(
            """
            name: n1
            data-dir: /var/lib/etcd
            snapshot-count: 0x10
            heartbeat-interval: 50
            election-timeout: 500.0
            quota-backend-bytes: -1
            backend-batch-interval: 1000000
            listen-client-urls: http://127.0.0.1:2379,http://10.0.0.1:2379
            advertise-client-urls: http://10.0.0.1:2379
            initial-cluster-state: existing
            log-outputs: [stdout]
            cors: "*"
            host-whitelist: a,b
            enable-grpc-gateway: true
            client-transport-security:
              cert-file: /c.pem
              key-file: /k.pem
              client-cert-auth: true
              auto-tls: true
            proxy-dial-timeout: 7
            SnapshotCatchUpEntries: 9
            """);
    assertThat(c.name()).isEqualTo("n1");
    assertThat(c.dataDir()).isEqualTo("/var/lib/etcd");
    assertThat(c.snapshotCount()).isEqualTo(16);
    assertThat(c.tickMs()).isEqualTo(50);
    assertThat(c.electionMs()).isEqualTo(500);
    assertThat(c.quotaBackendBytes()).isEqualTo(-1);
    assertThat(c.backendBatchInterval()).isEqualTo(Duration.ofMillis(1));
    assertThat(c.listenClientUrls())
        .containsExactly(URI.create("http://10.0.0.1:2379"), URI.create("http://127.0.0.1:2379"));
    assertThat(c.initialClusterState()).isEqualTo("existing");
    assertThat(c.logOutputs()).containsExactly("stdout");
    assertThat(c.hostWhitelist()).containsExactly("a", "b");
    assertThat(c.enableGrpcGateway()).isTrue();
    assertThat(c.clientTls().certFile()).isEqualTo("/c.pem");
    assertThat(c.clientTls().clientCertAuth()).isTrue();
    assertThat(c.clientAutoTls()).isTrue();
    assertThat(c.proxyDialTimeoutMs()).isEqualTo(7);
    assertThat(c.snapshotCatchUpEntries()).isEqualTo(9);
  }

  @Test
  void keysMatchCaseInsensitivelyAndUnknownKeysAreIgnored() throws Exception {
    Config c = ConfigFile.parse("Heartbeat-Interval: 42\nno-such-key: 1\n");
    assertThat(c.tickMs()).isEqualTo(42);
  }

  @Test
  void nullKeepsTheDefaultAndYamlDefaultsAreEmbeds() throws Exception {
    Config c = ConfigFile.parse("heartbeat-interval: null\n");
    assertThat(c.tickMs()).isEqualTo(100);
    assertThat(c.enableGrpcGateway()).isFalse();
    assertThat(ConfigFile.parse("").name()).isEqualTo("default");
  }

  @Test
  void wrongTypesAreRefusedWithGoJsonTexts() {
    String prefix = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ";
    assertThatThrownBy(() -> ConfigFile.parse("snapshot-count: abc\n"))
        .hasMessage(
            prefix + "string into Go struct field configYAML.snapshot-count of type uint64");
    assertThatThrownBy(() -> ConfigFile.parse("snapshot-count: 1.5\n"))
        .hasMessage(
            prefix + "number 1.5 into Go struct field configYAML.snapshot-count of type uint64");
    assertThatThrownBy(() -> ConfigFile.parse("snapshot-count: -1\n"))
        .hasMessage(
            prefix + "number -1 into Go struct field configYAML.snapshot-count of type uint64");
    assertThatThrownBy(() -> ConfigFile.parse("backend-batch-interval: 1s\n"))
        .hasMessage(
            prefix
                + "string into Go struct field configYAML.backend-batch-interval of type"
                + " time.Duration");
    assertThatThrownBy(() -> ConfigFile.parse("debug: \"true\"\n"))
        .hasMessage(prefix + "string into Go struct field configYAML.debug of type bool");
    assertThatThrownBy(() -> ConfigFile.parse("log-outputs: stderr\n"))
        .hasMessage(prefix + "string into Go struct field configYAML.log-outputs of type []string");
    assertThatThrownBy(() -> ConfigFile.parse("client-transport-security:\n  cert-file: 1\n"))
        .hasMessage(
            prefix
                + "number into Go struct field securityConfig.client-transport-security.cert-file"
                + " of type string");
  }

  @Test
  void badYamlIsAConversionError() {
    assertThatThrownBy(() -> ConfigFile.parse("a: b\n  c: d\n"))
        .hasMessageStartingWith("error converting YAML to JSON: yaml: line 2: ");
  }

  @Test
  void badUrlsAndProxyValuesAreReportedAsEtcdDoes() {
    assertThatThrownBy(() -> ConfigFile.parse("listen-peer-urls: foo\n"))
        .isInstanceOfSatisfying(
            ConfigFile.FileException.class,
            e -> assertThat(e.report()).isEqualTo(ConfigFile.Report.PLAIN))
        .hasMessage(
            "unexpected error setting up listen-peer-urls: URL scheme must be http, https, unix,"
                + " or unixs: foo");
    assertThatThrownBy(() -> ConfigFile.parse("advertise-client-urls: foo\n"))
        .hasMessageStartingWith("unexpected error setting up advertise-peer-urls: ");
    assertThatThrownBy(() -> ConfigFile.parse("proxy: bad\n"))
        .isInstanceOfSatisfying(
            ConfigFile.FileException.class,
            e -> assertThat(e.report()).isEqualTo(ConfigFile.Report.LOG_FATAL))
        .hasMessage("unexpected error setting up proxyFlag: invalid value");
  }

  @Test
  void theFileWinsOverFlagsAndEnvironment() throws Exception {
    Path f = dir.resolve("etcd.yaml");
    Files.writeString(f, "name: from-file\nheartbeat-interval: 10\nelection-timeout: 100\n");
    Cli cli = new Cli().env("ETCD_NAME", "from-env");
    assertThat(cli.run("--config-file", f.toString(), "--name", "from-flag")).isZero();
    assertThat(cli.launched.name()).isEqualTo("from-file");
    assertThat(cli.launched.tickMs()).isEqualTo(10);
    // no environment processing at all: no shadowing error, no "unrecognized" warning
    assertThat(cli.err()).doesNotContain("pkg/flags");
    assertThat(cli.errLines().get(0))
        .matches("\\{\"level\":\"info\",\"ts\":\"" + ZapJsonEncoderTest.TS + "\",\"caller\":.*")
        .endsWith(
            "\"msg\":\"loaded server configuration, other configuration command line flags and"
                + " environment variables will be ignored if provided\",\"path\":\""
                + f
                + "\"}");
  }

  @Test
  void withCapnslogTheLoadedLineIsEtcdmains() throws Exception {
    Path f = dir.resolve("etcd.yaml");
    Files.writeString(f, "logger: capnslog\n");
    Cli cli = new Cli();
    assertThat(cli.run("--config-file", f.toString())).isZero();
    assertThat(cli.errLines().get(0))
        .isEqualTo(
            "[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead");
    assertThat(cli.errLines().get(1))
        .matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} I \\| etcdmain: Loading server"
                + " configuration from \".*etcd.yaml\"\\. Other configuration command line flags and"
                + " environment variables will be ignored if provided\\.");
  }

  @Test
  void flagsAreStillParsedWithAConfigFile() throws Exception {
    Path f = dir.resolve("etcd.yaml");
    Files.writeString(f, "name: x\n");
    Cli cli = new Cli();
    assertThat(cli.run("--config-file", f.toString(), "--no-such")).isEqualTo(2);
    assertThat(cli.errLines().get(0)).isEqualTo("flag provided but not defined: -no-such");
  }

  @Test
  void aValidationErrorInTheFileIsReportedAfterTheLoadingLine() throws Exception {
    Path f = dir.resolve("etcd.yaml");
    Files.writeString(f, "heartbeat-interval: 0\nlogger: capnslog\n");
    Cli cli = new Cli();
    assertThat(cli.run("--config-file", f.toString())).isEqualTo(1);
    assertThat(cli.errLines())
        .containsExactly(
            "[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead",
            "2026-12-03 06:49:24.085123 I | etcdmain: Loading server configuration from \""
                + f
                + "\". Other configuration command line flags and environment variables will be"
                + " ignored if provided.",
            "2026-12-03 06:49:24.085123 E | etcdmain: error verifying flags, --heartbeat-interval"
                + " must be >0 (set to 0ms). See 'etcd --help'.");
    assertThat(List.of(cli.launched == null)).containsExactly(true);
  }

  /** etcd's TestEtcdExampleConfig: etcd starts from its own sample file. */
  @Test
  void etcdsExampleConfigFileLaunches() throws Exception {
    Path f = dir.resolve("etcd.conf.yml");
    try (var in = getClass().getResourceAsStream("/etcd.conf.yml.sample")) {
      Files.copy(in, f);
    }
    Cli cli = new Cli();
    assertThat(cli.run("--config-file", f.toString())).as(cli.err()).isZero();
    assertThat(cli.launched.name()).isEqualTo("default");
    assertThat(cli.launched.autoCompactionRetention()).isEqualTo("1");
  }
}
