package io.etcdj.bench;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One single-member server under test, etcd or etcdj, started with the same flags on free loopback
 * ports and a fresh data directory (fsync on: no {@code --unsafe-no-fsync}). {@link #start} returns
 * once a linearizable Range succeeds, having timed that as start-to-ready. Used by the benchmark's
 * main thread only.
 */
final class ServerProcess implements AutoCloseable {
  private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final String name;
  private final Process process;
  private final Path dir;
  private final InetSocketAddress clientAddress;
  private final ProcStats stats;
  private final ReadyMeasurement ready;

  private ServerProcess(
      String name,
      Process process,
      Path dir,
      InetSocketAddress clientAddress,
      ProcStats stats,
      ReadyMeasurement ready) {
    this.name = name;
    this.process = process;
    this.dir = dir;
    this.clientAddress = clientAddress;
    this.stats = stats;
    this.ready = ready;
  }

  /**
   * Starts {@code binary} (etcd's flags) as member {@code bench} of a one-member cluster and waits
   * until it serves a linearizable read; the start-to-ready figure is from just before the process
   * is spawned to that read's answer.
   */
  static ServerProcess start(
      String name,
      Path binary,
      Map<String, String> extraEnv,
      int round,
      EventLoopGroup group,
      long clockTicks)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("etcdj-bench-" + name + "-");
    int clientPort = freePort();
    int peerPort = freePort();
    String clientUrl = "http://127.0.0.1:" + clientPort;
    String peerUrl = "http://127.0.0.1:" + peerPort;
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(
        List.of(
            "--name=bench",
            "--data-dir=" + dir.resolve("data"),
            "--listen-client-urls=" + clientUrl,
            "--advertise-client-urls=" + clientUrl,
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=bench=" + peerUrl,
            "--initial-cluster-state=new"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    // Exactly the same environment for both: no ETCD_* variable from the caller's shell.
    String javaHome = System.getenv("JAVA_HOME");
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    if (javaHome != null) {
      pb.environment().put("JAVA_HOME", javaHome);
    }
    pb.environment().putAll(extraEnv);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("server.log").toFile());

    long spawned = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      deleteTree(dir);
      throw e;
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort);
    ProcStats stats = new ProcStats(process.pid(), clockTicks);
    try {
      long listeningNanos = awaitReady(process, address, group, spawned, dir) - spawned;
      long readyNanos = System.nanoTime() - spawned;
      ReadyMeasurement ready =
          new ReadyMeasurement(
              name,
              round,
              listeningNanos / 1e6,
              readyNanos / 1e6,
              stats.rssBytes(),
              stats.pssBytes(),
              stats.cpuSeconds());
      return new ServerProcess(name, process, dir, address, stats, ready);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      System.err.println("bench: " + name + "'s directory is kept: " + dir);
      throw e;
    }
  }

  String name() {
    return name;
  }

  InetSocketAddress clientAddress() {
    return clientAddress;
  }

  ProcStats stats() {
    return stats;
  }

  ReadyMeasurement ready() {
    return ready;
  }

  /** The last lines of the server's own output, for an error message. */
  String logTail() {
    return logTail(dir);
  }

  /** SIGTERM, then SIGKILL after 15 s; the data directory is deleted. */
  @Override
  public void close() throws IOException {
    stop(process);
    deleteTree(dir);
  }

  // Returns when the client port first accepted a connection (System.nanoTime).
  private static long awaitReady(
      Process process, InetSocketAddress address, EventLoopGroup group, long spawned, Path dir)
      throws IOException, InterruptedException {
    // A socket probe first: a gRPC channel that finds the port closed backs off for a second.
    while (!accepts(address)) {
      checkAlive(process, spawned, dir);
      Thread.sleep(2);
    }
    long listening = System.nanoTime();
    RangeRequest probe =
        RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("bench-ready")).build();
    while (true) {
      checkAlive(process, spawned, dir);
      ManagedChannel channel = Connections.channel(group, address);
      try {
        KVGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS).range(probe);
        return listening;
      } catch (StatusRuntimeException notYet) {
        Thread.sleep(5);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean accepts(InetSocketAddress address) {
    try (Socket s = new Socket()) {
      s.connect(address, 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkAlive(Process process, long spawned, Path dir) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "server exited with " + process.exitValue() + " before it was ready:\n" + logTail(dir));
    }
    if (System.nanoTime() - spawned > READY_TIMEOUT_NANOS) {
      throw new IllegalStateException("server not ready after 60 s:\n" + logTail(dir));
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String logTail(Path dir) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("server.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
