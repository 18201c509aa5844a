package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the installed etcd 3.4.23 binary; a test that needs it fails when it is missing. */
final class RealEtcd {
  static final Path BINARY = Path.of("/usr/bin/etcd");

  record Result(int exit, String stdout, String stderr) {
    String firstErrLine() {
      return stderr.lines().findFirst().orElse("");
    }
  }

  private RealEtcd() {}

  static void requireInstalled() {
    assertThat(Files.isExecutable(BINARY))
        .as("etcd 3.4.23 must be installed at %s (./test installs it)", BINARY)
        .isTrue();
  }

  /**
   * Runs etcd with {@code args} and exactly {@code env} (plus PATH) in {@code dir}, for a command
   * line expected to be refused before anything listens; one that is still running after the
   * timeout is killed and fails the test.
   */
  static Result run(Path dir, List<String> args, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = launch(dir, args, env);
    Path out = dir.resolve("etcd.stdout");
    Path err = dir.resolve("etcd.stderr");
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("etcd " + args + " did not exit: it should be refused at startup");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts etcd; the caller destroys it. Output goes to files in {@code dir}. */
  static Process start(Path dir, List<String> args) throws IOException {
    return launch(dir, args, Map.of());
  }

  // etcd in dir with exactly env (plus PATH); output to dir/etcd.stdout and dir/etcd.stderr
  private static Process launch(Path dir, List<String> args, Map<String, String> env)
      throws IOException {
    requireInstalled();
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("etcd.stdout").toFile());
    pb.redirectError(dir.resolve("etcd.stderr").toFile());
    return pb.start();
  }
}
