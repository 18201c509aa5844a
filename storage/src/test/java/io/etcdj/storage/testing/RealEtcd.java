package io.etcdj.storage.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One single-member real etcd 3.4.23 ({@code /usr/bin/etcd}) on 127.0.0.1, for tests that compare
 * our code with the reference. Listens on free client and peer ports, logs to a file in its own
 * temp dir, and is ready (healthy) once {@link Builder#start()} returns. {@link #close()} sends
 * SIGTERM (so etcd closes its WAL cleanly), waits, kills if it must, then deletes its dirs unless
 * the data dir is to be kept.
 *
 * <p>Threading: one test thread drives an instance; {@link #etcdctl} calls may run concurrently.
 */
public final class RealEtcd implements AutoCloseable {
  private static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
  private static final long READY_TIMEOUT_SECONDS = 30;
  private static final long ETCDCTL_TIMEOUT_SECONDS = 30;
  private static final long STOP_TIMEOUT_SECONDS = 20;

  private final Path workDir;
  private final Path dataDir;
  private final boolean keepDataDir;
  private final String endpoint;
  private final Process process;

  private RealEtcd(Builder b) throws IOException {
    workDir = Files.createTempDirectory("real-etcd-");
    dataDir = b.dataDir != null ? b.dataDir : workDir.resolve("data");
    keepDataDir = b.keepDataDir;
    endpoint = "http://127.0.0.1:" + freePort();
    String peerUrl = "http://127.0.0.1:" + freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ETCD.toString(),
                "--name=" + b.name,
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + endpoint,
                "--advertise-client-urls=" + endpoint,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=" + b.name + "=" + peerUrl));
    cmd.addAll(b.flags);
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log().toFile()).start();
  }

  /**
   * Fails the calling test when etcd or etcdctl is not installed: a differential test that skips
   * without its reference has not run. {@code ./test} installs both.
   */
  public static void assumeInstalled() {
    if (!Files.isExecutable(ETCD) || !Files.isExecutable(ETCDCTL)) {
      throw new AssertionError(
          "etcd 3.4 and etcdctl are not installed at "
              + ETCD
              + " and "
              + ETCDCTL
              + "; run ./test, which installs them (apt-get install etcd-server etcd-client)");
    }
  }

  /** A member named {@code name}; the name is also its {@code --initial-cluster} entry. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /** The client URL, {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return endpoint;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Runs {@code etcdctl} (v3 API) against this member; returns stdout, fails with stderr. */
  public String etcdctl(String... args) throws IOException, InterruptedException {
    return etcdctlWithInput(null, args);
  }

  /** As {@link #etcdctl}, writing {@code stdin} (if not null) to the command's input. */
  public String etcdctlWithInput(String stdin, String... args)
      throws IOException, InterruptedException {
    Result r = run(stdin, args);
    if (r.exit != 0) {
      throw new IllegalStateException(
          "etcdctl " + List.of(args) + " exited " + r.exit + ": " + r.stderr);
    }
    return r.stdout;
  }

  /**
   * A ready-to-start {@code etcdctl} command against this member, for commands that do not end by
   * themselves (such as {@code watch}); stderr is merged into stdout.
   */
  public ProcessBuilder etcdctlCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints=" + endpoint));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    return pb;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
    if (!keepDataDir) {
      deleteTree(dataDir);
    }
    deleteTree(workDir);
  }

  private Path log() {
    return workDir.resolve("etcd.log");
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited: " + Files.readString(log()));
      }
      Result r = run(null, "endpoint", "health");
      // etcdctl 3.4 prints the health line on stderr.
      if (r.exit == 0 && r.stderr.contains("is healthy")) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("etcd did not become healthy: " + Files.readString(log()));
      }
      Thread.sleep(100); // waiting on an external process: no fake clock applies here
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  private Result run(String stdin, String... args) throws IOException, InterruptedException {
    Process p = etcdctlCommand(args).start();
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(UTF_8));
    }
    p.getOutputStream().close();
    String stdout = read(p.getInputStream());
    if (!p.waitFor(ETCDCTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("etcdctl " + List.of(args) + " timed out");
    }
    return new Result(p.exitValue(), stdout, stderr.join());
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Options of one member. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<String> flags = new ArrayList<>();
    private Path dataDir;
    private boolean keepDataDir;

    private Builder(String name) {
      this.name = name;
    }

    /** Extra etcd flags, e.g. {@code --snapshot-count=5} or {@code --heartbeat-interval=500}. */
    public Builder flags(String... more) {
      flags.addAll(List.of(more));
      return this;
    }

    /** Uses (and may reuse) {@code dir} as {@code --data-dir} instead of a fresh temp dir. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Leaves the data dir on disk after {@link RealEtcd#close()}, for tests that read it. */
    public Builder keepDataDir() {
      this.keepDataDir = true;
      return this;
    }

    /** Starts etcd and returns once it answers {@code endpoint health}; skips if not installed. */
    public RealEtcd start() throws IOException, InterruptedException {
      assumeInstalled();
      RealEtcd etcd = new RealEtcd(this);
      try {
        etcd.awaitHealthy();
        return etcd;
      } catch (IOException | InterruptedException | RuntimeException e) {
        etcd.close();
        throw e;
      }
    }
  }
}
