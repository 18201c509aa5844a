package io.etcdj.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.transport.EventLoops;
import io.etcdj.transport.Listener;
import io.etcdj.transport.PortServer;
import io.etcdj.transport.TestGrpc;
import io.etcdj.transport.tls.TestPki.Ca;
import io.etcdj.transport.tls.TestPki.Leaf;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential: the same curl, raw-socket and grpc-java probes against etcd 3.4.23 (a plaintext and
 * a TLS client URL, a plaintext peer URL) and against {@link PortServer}s of the same kinds. Only
 * what the transport decides is compared (routing, Go's own answers, protocol selection), not
 * etcd's handlers. Fails, does not skip, when etcd is missing.
 */
class RealEtcdPortCompatTest {
  /** grpc.health.v1.Health/Check over raw bytes: empty request, SERVING is {@code 08 01}. */
  static final MethodDescriptor<byte[], byte[]> HEALTH =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(TestGrpc.BYTES)
          .setResponseMarshaller(TestGrpc.BYTES)
          .build();

  static final byte[] SERVING = {8, 1};

  @TempDir Path dir;
  private Process etcd;
  private EventLoops loops;
  private final List<PortServer> ours = new ArrayList<>();
  private Path caFile;
  private int etcdPlain;
  private int etcdTls;
  private int etcdPeer;
  private int ourPlain;
  private int ourTls;
  private int ourPeer;

  @BeforeEach
  void start() throws Exception {
    TestPki pki = new TestPki(dir);
    Ca ca = pki.ca("ca");
    Leaf server = pki.localLeaf(ca, "server", "server");
    caFile = pki.caFile(ca);
    etcdPlain = RealEtcdTlsCompatTest.freePort();
    etcdTls = RealEtcdTlsCompatTest.freePort();
    etcdPeer = RealEtcdTlsCompatTest.freePort();
    etcd =
        new ProcessBuilder(
                "/usr/bin/etcd",
                "--name=compat",
                "--data-dir=" + dir.resolve("etcd-data"),
                "--listen-client-urls=http://127.0.0.1:"
                    + etcdPlain
                    + ",https://127.0.0.1:"
                    + etcdTls,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPlain,
                "--listen-peer-urls=http://127.0.0.1:" + etcdPeer,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeer,
                "--initial-cluster=compat=http://127.0.0.1:" + etcdPeer,
                "--cert-file=" + server.cert(),
                "--key-file=" + server.key())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    loops = EventLoops.create("compat", 2);
    ServerServiceDefinition health =
        ServerServiceDefinition.builder("grpc.health.v1.Health")
            .addMethod(
                HEALTH,
                ServerCalls.asyncUnaryCall(
                    (byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
                      out.onNext(SERVING);
                      out.onCompleted();
                    }))
            .build();
    ourPlain = serve(Listener.builder(URI.create("http://127.0.0.1:0")), health);
    ourTls =
        serve(
            Listener.builder(URI.create("https://127.0.0.1:0"))
                .tls(
                    EtcdServerTls.forClientPort(
                        TlsInfo.builder().certFile(server.cert()).keyFile(server.key()).build())),
            health);
    ourPeer =
        serve(Listener.builder(URI.create("http://127.0.0.1:0")).role(Listener.Role.PEER), health);
    awaitListening(etcdPlain);
    awaitListening(etcdTls);
  }

  private int serve(Listener.Builder b, ServerServiceDefinition health) throws Exception {
    PortServer s = PortServer.builder(b.bind(loops)).grpc(g -> g.addService(health)).start();
    ours.add(s);
    return s.listener().port();
  }

  @AfterEach
  void stop() throws Exception {
    ours.forEach(PortServer::close);
    loops.close();
    etcd.destroy();
    if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
      etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      assertThat(etcd.isAlive()).as("etcd exited").isTrue();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (java.io.IOException notYet) {
        etcd.waitFor(100, TimeUnit.MILLISECONDS); // poll until etcd has bound its port
      }
    }
    throw new AssertionError("etcd did not listen on " + port);
  }

  /** curl's exit code, HTTP version, status and body, one string. */
  private String curl(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "--max-time",
                "10",
                "--cacert",
                caFile.toString(),
                "-w",
                " [%{http_version} %{http_code}]"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out + " rc=" + p.exitValue();
  }

  private String headers(String url) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-s",
                "-D",
                "-",
                "-o",
                "/dev/null",
                "--max-time",
                "10",
                "--cacert",
                caFile.toString(),
                url)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    StringBuilder b = new StringBuilder();
    for (String line : out.split("\r\n")) {
      String l = line.toLowerCase(java.util.Locale.ROOT);
      if (l.startsWith("content-type:")
          || l.startsWith("x-content-type-options:")
          || l.startsWith("content-length:")
          || l.startsWith("http/")) {
        b.append(l).append('\n');
      }
    }
    return b.toString();
  }

  @Test
  void plaintextClientPortProbes() throws Exception {
    assertThat(curl("http://127.0.0.1:" + ourPlain + "/nosuch"))
        .isEqualTo(curl("http://127.0.0.1:" + etcdPlain + "/nosuch"))
        .isEqualTo("404 page not found\n [1.1 404] rc=0");
    assertThat(headers("http://127.0.0.1:" + ourPlain + "/nosuch"))
        .isEqualTo(headers("http://127.0.0.1:" + etcdPlain + "/nosuch"));
    for (String probe : List.of("garbage\r\n\r\n", "GET / HTTP/2.0\r\n\r\n")) {
      assertThat(ListenerProbe.raw(ourPlain, probe))
          .as(probe)
          .isEqualTo(ListenerProbe.raw(etcdPlain, probe))
          .isEmpty();
    }
  }

  /**
   * h2c on a plaintext client port is gRPC's in both: etcd's grpc-go resets a non-gRPC stream (curl
   * exit 92), grpc-java answers it 415. Recorded, not equal; both refuse.
   */
  @Test
  void plaintextHttp2NonGrpcIsRefusedByGrpcInBoth() throws Exception {
    String theirs = curl("--http2-prior-knowledge", "http://127.0.0.1:" + etcdPlain + "/health");
    String mine = curl("--http2-prior-knowledge", "http://127.0.0.1:" + ourPlain + "/health");
    assertThat(theirs).endsWith("rc=92");
    assertThat(mine).contains("[2 415]");
  }

  @Test
  void peerPortProbes() throws Exception {
    for (String probe : List.of("garbage\r\n\r\n", "GET / HTTP/2.0\r\n\r\n")) {
      assertThat(ListenerProbe.raw(ourPeer, probe))
          .as(probe)
          .isEqualTo(ListenerProbe.raw(etcdPeer, probe));
    }
    assertThat(curl("http://127.0.0.1:" + ourPeer + "/nosuch"))
        .isEqualTo(curl("http://127.0.0.1:" + etcdPeer + "/nosuch"));
  }

  @Test
  void tlsClientPortProbes() throws Exception {
    assertThat(curl("https://127.0.0.1:" + ourTls + "/nosuch"))
        .isEqualTo(curl("https://127.0.0.1:" + etcdTls + "/nosuch"))
        .isEqualTo("404 page not found\n [2 404] rc=0");
    assertThat(curl("--http1.1", "https://127.0.0.1:" + ourTls + "/nosuch"))
        .isEqualTo(curl("--http1.1", "https://127.0.0.1:" + etcdTls + "/nosuch"))
        .isEqualTo("404 page not found\n [1.1 404] rc=0");
    assertThat(headers("https://127.0.0.1:" + ourTls + "/nosuch"))
        .isEqualTo(headers("https://127.0.0.1:" + etcdTls + "/nosuch"));
  }

  @Test
  void grpcJavaClientGetsTheSameAnswerFromBoth() throws Exception {
    for (int port : new int[] {etcdPlain, ourPlain, etcdPeer, ourPeer}) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        assertThat(check(ch)).as("port %d", port).isEqualTo(SERVING);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    for (int port : new int[] {etcdTls, ourTls}) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .sslContext(GrpcSslContexts.forClient().trustManager(caFile.toFile()).build())
              .build();
      try {
        assertThat(check(ch)).as("tls port %d", port).isEqualTo(SERVING);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static byte[] check(ManagedChannel ch) {
    return ClientCalls.blockingUnaryCall(
        ch, HEALTH, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]);
  }
}
