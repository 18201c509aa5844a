package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EtcdMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return EtcdMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void versionPrintsReleaseApiJavaAndPlatform() {
    assertThat(run("--version")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .containsPattern("(?m)^etcdj Version: \\d+\\.\\d+\\.\\d+")
        .contains("API Version: 3.4")
        .contains("Java Version: " + System.getProperty("java.version"))
        .containsPattern("(?m)^Java OS/Arch: [a-z0-9_]+/[a-z0-9_]+$");
  }

  @Test
  void unknownFlagIsAnErrorNamingTheFlag() {
    assertThat(run("--no-such-flag")).isEqualTo(EtcdMain.EXIT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag");
  }
}
