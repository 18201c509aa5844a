package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command as etcdmain behaves: exit codes, where each text goes, and flags bound to Config. */
class EtcdMainTest {

  @Test
  void versionPrintsReleaseApiJavaAndPlatform() {
    Cli cli = new Cli();
    assertThat(cli.run("--version")).isZero();
    assertThat(cli.out())
        .containsPattern("(?m)^etcdj Version: \\d+\\.\\d+\\.\\d+")
        .contains("API Version: 3.4")
        .contains("Java Version: " + System.getProperty("java.version"))
        .containsPattern("(?m)^Java OS/Arch: [a-z0-9_]+/[a-z0-9_]+$");
    assertThat(cli.launched).isNull();
  }

  @Test
  void helpPrintsUsageOnStderrAndFlagsOnStdout() {
    for (String h : new String[] {"-h", "--help", "-help"}) {
      Cli cli = new Cli();
      assertThat(cli.run(h)).isZero();
      assertThat(cli.errLines().get(0)).isEqualTo("Usage:");
      assertThat(cli.out()).contains("--snapshot-count '100000'").contains("Member:");
    }
  }

  @Test
  void everyFlagIsInTheHelp() {
    Cli cli = new Cli();
    cli.run("--help");
    EtcdFlags flags = new EtcdFlags(w -> {});
    for (String name : flags.flagSet().names()) {
      if (!EtcdFlags.IGNORED.contains(name)
          && !name.equals("version")
          && !name.equals("config-file")) {
        assertThat(cli.out()).as(name).contains("--" + name + " ");
      }
    }
  }

  @Test
  void aBadCommandLineExitsTwoAfterTheUsage() {
    Cli cli = new Cli();
    assertThat(cli.run("--snapshot-count", "x")).isEqualTo(2);
    assertThat(cli.errLines().get(0))
        .isEqualTo("invalid value \"x\" for flag -snapshot-count: parse error");
    assertThat(cli.errLines().get(1)).isEqualTo("Usage:");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void aPositionalArgumentExitsOne() {
    Cli cli = new Cli();
    assertThat(cli.run("--debug", "false")).isEqualTo(1);
    assertThat(cli.err())
        .isEqualTo(
            "2026-12-03 06:49:24.085123 E | etcdmain: error verifying flags, 'false' is not a valid"
                + " flag. See 'etcd --help'.\n");
  }

  @Test
  void flagsReachTheConfig() {
    Cli cli = new Cli();
    int code =
        cli.run(
            "-name=n1",
            "--data-dir",
            "/d",
            "--snapshot-count=010",
            "--heartbeat-interval",
            "0x32",
            "--election-timeout=500",
            "--listen-client-urls",
            "http://127.0.0.1:0",
            "--advertise-client-urls=http://127.0.0.1:0",
            "--grpc-keepalive-timeout",
            "1m30s",
            "--max-concurrent-streams",
            "100",
            "--cert-file",
            "/c",
            "--peer-cert-allowed-cn",
            "cn",
            "--cipher-suites",
            "TLS_AES_128_GCM_SHA256",
            "--host-whitelist",
            "b,a,b",
            "--log-level=debug",
            "--experimental-compaction-batch-limit=-1");
    assertThat(code).isZero();
    var c = cli.launched;
    assertThat(c.name()).isEqualTo("n1");
    assertThat(c.dataDir()).isEqualTo("/d");
    assertThat(c.snapshotCount()).isEqualTo(8);
    assertThat(c.tickMs()).isEqualTo(50);
    assertThat(c.electionMs()).isEqualTo(500);
    assertThat(c.listenClientUrls()).containsExactly(URI.create("http://127.0.0.1:0"));
    assertThat(c.grpcKeepAliveTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.maxConcurrentStreams()).isEqualTo(100);
    assertThat(c.clientTls().certFile()).isEqualTo("/c");
    assertThat(c.peerTls().allowedCn()).isEqualTo("cn");
    assertThat(c.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
    assertThat(c.hostWhitelist()).containsExactly("a", "b");
    assertThat(c.logLevel()).isEqualTo("debug");
    assertThat(c.experimentalCompactionBatchLimit()).isEqualTo(-1);
    // the name changed and nothing else did: the default initial cluster follows it
    assertThat(c.initialCluster()).isEqualTo("n1=http://localhost:2380");
  }

  @Test
  void flagDefaultsAreEtcdsCommandLineDefaults() {
    Cli cli = new Cli();
    assertThat(cli.run()).isZero();
    var c = cli.launched;
    assertThat(c.enableGrpcGateway()).isTrue();
    assertThat(c.cors()).containsExactly("*");
    assertThat(c.hostWhitelist()).containsExactly("*");
    assertThat(c.initialCluster()).isEqualTo("default=http://localhost:2380");
    assertThat(c.advertiseClientUrls()).containsExactly(URI.create("http://localhost:2379"));
  }

  @Test
  void listenClientUrlsWithoutAdvertiseIsRefusedWithEtcdsHint() {
    Cli cli = new Cli();
    assertThat(cli.run("--logger=capnslog", "--listen-client-urls", "http://127.0.0.1:0"))
        .isEqualTo(1);
    assertThat(cli.errLines())
        .containsExactly(
            "[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead",
            "2026-12-03 06:49:24.085123 E | etcdmain: error verifying flags, --advertise-client-urls"
                + " is required when --listen-client-urls is set explicitly. See 'etcd --help'.",
            "2026-12-03 06:49:24.085123 E | etcdmain: When listening on specific address(es), this"
                + " etcd process must advertise accessible url(s) to each connected client.");
  }

  @Test
  void validationFailureIsAZapWarningOnceLoggingIsUp() {
    Cli cli = new Cli();
    assertThat(cli.run("--heartbeat-interval", "0")).isEqualTo(1);
    assertThat(cli.errLines()).hasSize(1);
    assertThat(cli.errLines().get(0))
        .matches(
            "\\{\"level\":\"warn\",\"ts\":\""
                + ZapJsonEncoderTest.TS
                + "\",\"caller\":\"server/EtcdMain.java:\\d+\",.*")
        .endsWith(
            "\"msg\":\"failed to verify flags\",\"error\":\"--heartbeat-interval must be >0 (set to"
                + " 0ms)\"}");
  }

  @Test
  void ignoredEtcd2FlagsWarn() {
    Cli cli = new Cli();
    assertThat(cli.run("--v", "--snapshot")).isZero();
    assertThat(cli.errLines().get(0))
        .isEqualTo(
            "2026-12-03 06:49:24.085123 W | pkg/flags: flag \"-v\" is no longer supported -"
                + " ignoring.");
    assertThat(cli.errLines().get(1))
        .endsWith("flag \"-snapshot\" is no longer supported - ignoring.");
  }

  @Test
  void unsupportedSettingsExitOneWithAClearMessage() {
    String[][] cases = {
      {"--proxy", "on"},
      {"--discovery-srv", "example.com"},
      {"--experimental-enable-v2v3", "/v2"},
    };
    for (String[] args : cases) {
      Cli cli = new Cli();
      assertThat(cli.run(args)).as(args[0]).isEqualTo(1);
      assertThat(cli.err()).as(args[0]).contains("etcdj does not support " + args[0] + " yet");
      assertThat(cli.launched).isNull();
    }
  }

  @Test
  void debuggingAndLegacyEndpointSettingsAreIgnoredWithAWarning() {
    for (String flag : new String[] {"--enable-v2", "--enable-pprof"}) {
      Cli cli = new Cli();
      assertThat(cli.run(flag)).as(flag).isZero();
      assertThat(cli.err())
          .as(flag)
          .contains("\"level\":\"warn\"")
          .contains("etcdj does not support " + flag + " yet")
          .contains("; ignored");
      assertThat(cli.launched).as(flag).isNotNull();
    }
  }

  @Test
  void journalOutputIsRefusedClearly() {
    Cli cli = new Cli();
    assertThat(cli.run("--log-outputs", "systemd/journal")).isEqualTo(1);
    assertThat(cli.err()).contains("--log-outputs=systemd/journal is not supported by etcdj yet");
  }

  @Test
  void corsKeepsEtcdsExceptionQuirk() {
    Cli cli = new Cli();
    assertThat(cli.run("--cors", "http://a:1", "--cors", "*")).isZero();
    assertThat(cli.launched.cors()).containsExactly("*", "http://a:1");
  }

  @Test
  void theLauncherExitCodeIsTheProcessExitCode() {
    Cli cli = new Cli();
    cli.launcherExit = 3;
    assertThat(cli.run()).isEqualTo(3);
    assertThat(cli.notify.enabled()).isFalse();
  }
}
