package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** pkg/flags SetFlagsFromEnv (flag_test.go TestSetFlagsFromEnv and friends), through EtcdMain. */
class EnvFlagsTest {

  @Test
  void variableNamesAreUpperCaseWithUnderscores() {
    assertThat(EnvFlags.toEnv("snapshot-count")).isEqualTo("ETCD_SNAPSHOT_COUNT");
    assertThat(EnvFlags.toEnv("test.coverprofile")).isEqualTo("ETCD_TEST.COVERPROFILE");
  }

  @Test
  void environmentSetsFlagsNotGivenOnTheCommandLine() {
    Cli cli = new Cli().env("ETCD_NAME", "n1").env("ETCD_SNAPSHOT_COUNT", "0x10");
    assertThat(cli.run("--max-wals", "3")).isZero();
    assertThat(cli.launched.name()).isEqualTo("n1");
    assertThat(cli.launched.snapshotCount()).isEqualTo(16);
    assertThat(cli.launched.maxWalFiles()).isEqualTo(3);
    assertThat(cli.errLines().get(0))
        .isEqualTo(
            "2026-12-03 06:49:24.085123 I | pkg/flags: recognized and used environment variable"
                + " ETCD_NAME=n1");
    assertThat(cli.errLines().get(1))
        .endsWith(
            "I | pkg/flags: recognized and used environment variable ETCD_SNAPSHOT_COUNT=0x10");
  }

  @Test
  void aVariableShadowedByAFlagIsFatal() {
    Cli cli = new Cli().env("ETCD_NAME", "a");
    assertThat(cli.run("--name", "b")).isEqualTo(1);
    assertThat(cli.err())
        .isEqualTo(
            "2026-12-03 06:49:24.085123 C | pkg/flags: conflicting environment variable"
                + " \"ETCD_NAME\" is shadowed by corresponding command-line flag (either unset"
                + " environment variable or disable flag)\n");
    assertThat(cli.launched).isNull();
  }

  @Test
  void anEmptyVariableIsUnrecognizedNotUsed() {
    Cli cli = new Cli().env("ETCD_NAME", "");
    assertThat(cli.run()).isZero();
    assertThat(cli.launched.name()).isEqualTo("default");
    assertThat(cli.errLines().get(0))
        .endsWith("W | pkg/flags: unrecognized environment variable ETCD_NAME=");
  }

  @Test
  void unknownVariablesAreReportedAndOthersIgnored() {
    Cli cli = new Cli().env("HOME", "/x").env("ETCD_FOO", "1");
    assertThat(cli.run()).isZero();
    assertThat(cli.errLines().get(0))
        .isEqualTo(
            "2026-12-03 06:49:24.085123 W | pkg/flags: unrecognized environment variable"
                + " ETCD_FOO=1");
  }

  @Test
  void aBadValueIsReportedWithTheVariableName() {
    Cli cli = new Cli().env("ETCD_SNAPSHOT_COUNT", "x");
    assertThat(cli.run()).isEqualTo(1);
    assertThat(cli.err())
        .isEqualTo(
            "2026-12-03 06:49:24.085123 E | etcdmain: error verifying flags, invalid value \"x\""
                + " for ETCD_SNAPSHOT_COUNT: parse error. See 'etcd --help'.\n");
  }

  @Test
  void anIgnoredEtcd2FlagWarnsFromTheEnvironmentToo() {
    Cli cli = new Cli().env("ETCD_V", "1");
    assertThat(cli.run()).isZero();
    assertThat(cli.errLines().get(0))
        .endsWith("W | pkg/flags: flag \"-v\" is no longer supported - ignoring.");
    assertThat(cli.errLines().get(1))
        .endsWith("I | pkg/flags: recognized and used environment variable ETCD_V=1");
  }

  @Test
  void theConfigFileVariableSelectsTheFileAndTheRestOfTheEnvironmentIsIgnored() {
    Cli cli = new Cli().env("ETCD_CONFIG_FILE", "/nonexistent/etcd.yaml").env("ETCD_FOO", "1");
    assertThat(cli.run()).isEqualTo(1);
    assertThat(cli.errLines())
        .containsExactly(
            "2026-12-03 06:49:24.085123 I | etcdmain: Loading server configuration from"
                + " \"/nonexistent/etcd.yaml\". Other configuration command line flags and"
                + " environment variables will be ignored if provided.",
            "2026-12-03 06:49:24.085123 E | etcdmain: error verifying flags, open"
                + " /nonexistent/etcd.yaml: no such file or directory. See 'etcd --help'.");
  }
}
