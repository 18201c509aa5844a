package io.etcdj.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mirrors embed/config.go's NewConfig defaults and Validate texts (etcd v3.4.23). */
class ConfigTest {

  @Test
  void defaultsAreEtcds() {
    Config c = new Config();
    assertThat(c.name()).isEqualTo("default");
    assertThat(c.initialCluster()).isEqualTo("default=http://localhost:2380");
    assertThat(c.snapshotCount()).isEqualTo(100000);
    assertThat(c.tickMs()).isEqualTo(100);
    assertThat(c.electionMs()).isEqualTo(1000);
    assertThat(c.maxRequestBytes()).isEqualTo(1572864);
    assertThat(c.maxConcurrentStreams()).isEqualTo(4294967295L);
    assertThat(c.grpcKeepAliveInterval()).isEqualTo(Duration.ofHours(2));
    assertThat(c.initialClusterToken()).isEqualTo("etcd-cluster");
    assertThat(c.effectiveDataDir()).isEqualTo(Path.of("default.etcd"));
    assertThat(c.effectiveWalDir()).isEqualTo(Path.of("default.etcd", "member", "wal"));
    assertThat(c.backendPath()).isEqualTo(Path.of("default.etcd", "member", "snap", "db"));
    assertThat(c.electionTicks()).isEqualTo(10);
  }

  @Test
  void defaultConfigValidates() throws Exception {
    assertThat(new Config().validate().stderrLines()).isEmpty();
  }

  @Test
  void onlyTheNameChangedMakesTheInitialClusterFollowIt() {
    Config c = new Config();
    String def = c.initialCluster();
    c.name("n1").updateDefaultClusterFromName(def);
    assertThat(c.initialCluster()).isEqualTo("n1=http://localhost:2380");
  }

  @Test
  void electionTimeoutMustBeFiveHeartbeats() {
    Config c = new Config().tickMs(300).electionMs(1000);
    assertThatThrownBy(c::validate)
        .hasMessage(
            "--election-timeout[1000ms] should be at least as 5 times as"
                + " --heartbeat-interval[300ms]");
  }

  @Test
  void electionTimeoutHasAMaximum() {
    assertThatThrownBy(new Config().electionMs(50001)::validate)
        .hasMessage("--election-timeout[50001ms] is too long, and should be set less than 50000ms");
  }

  @Test
  void listenClientUrlsWithoutAdvertiseIsEtcdsError() {
    Config c = new Config().advertiseClientUrls(List.of());
    assertThatThrownBy(c::validate)
        .hasMessage(
            "--advertise-client-urls is required when --listen-client-urls is set explicitly")
        .matches(e -> ((ConfigException) e).isUnsetAdvertiseClientUrls());
  }

  @Test
  void bindUrlsMustBeIps() {
    Config c = new Config().listenPeerUrls(List.of(URI.create("http://example.com:2380")));
    assertThatThrownBy(c::validate)
        .hasMessage("expected IP in URL for binding (http://example.com:2380)");
  }

  @Test
  void clusterStateAndBootstrapConflicts() {
    assertThatThrownBy(new Config().initialClusterState("x")::validate)
        .hasMessage("unexpected clusterState \"x\"");
    assertThatThrownBy(new Config().discovery("http://d")::validate)
        .hasMessage(
            "multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\","
                + " \"discovery\" or \"discovery-srv\"");
  }

  @Test
  void loggerChecks() {
    assertThatThrownBy(new Config().logger("bad")::validate)
        .hasMessage("unknown logger option \"bad\"");
    assertThatThrownBy(
            new Config()
                    .logOutputs(List.of("stdout", "stderr"))
                    .deprecatedLogOutput(List.of("stdout", "stderr"))
                ::validate)
        .hasMessage("both '--log-output' and '--log-outputs' are set; only set '--log-outputs'");
    assertThatThrownBy(
            new Config().logOutputs(List.of("default", "stderr")).deprecatedLogOutput(List.of())
                ::validate)
        .hasMessage("multi logoutput for \"default\" is not supported yet");
  }

  @Test
  void capnslogPrintsEtcdsDeprecationWarning() throws Exception {
    assertThat(new Config().logger("capnslog").validate().stderrLines())
        .containsExactly(
            "[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag"
                + " instead");
  }

  @Test
  void autoCompactionModeAndLeaseCheckpoint() {
    assertThatThrownBy(new Config().autoCompactionMode("x")::validate)
        .hasMessage("unknown auto-compaction-mode \"x\"");
    assertThatThrownBy(new Config().experimentalEnableLeaseCheckpointPersist(true)::validate)
        .hasMessage(
            "setting experimental-enable-lease-checkpoint-persist requires"
                + " experimental-enable-lease-checkpoint");
  }

  @Test
  void tlsVersionsAsEtcd345() {
    assertThatThrownBy(new Config().tlsMinVersion("TLS1.1")::validate)
        .hasMessage("unexpected TLS version \"TLS1.1\" (must be one of: TLS1.2, TLS1.3)");
    assertThatThrownBy(new Config().tlsMinVersion("TLS1.3").tlsMaxVersion("TLS1.2")::validate)
        .hasMessage("min version (TLS1.3) is greater than max version (TLS1.2)");
  }

  @Test
  void goDurationTextRoundTrips() {
    assertThat(GoDuration.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
    assertThat(GoDuration.format(Duration.ofMillis(100))).isEqualTo("100ms");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    assertThatThrownBy(() -> GoDuration.parse("5"))
        .hasMessage("time: missing unit in duration \"5\"");
  }

  @Test
  void urlListsFollowTypesNewUrls() {
    assertThat(GoUrls.parse("http://b:1,http://a:1"))
        .containsExactly(URI.create("http://a:1"), URI.create("http://b:1"));
    assertThatThrownBy(() -> GoUrls.parse("foo"))
        .hasMessage("URL scheme must be http, https, unix, or unixs: foo");
    assertThatThrownBy(() -> GoUrls.parse("http://a"))
        .hasMessage("URL address does not have the form \"host:port\": http://a");
    assertThatThrownBy(() -> GoUrls.parse("http://a:1/x"))
        .hasMessage("URL must not contain a path: http://a:1/x");
  }
}
