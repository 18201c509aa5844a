package io.etcdj.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.transport.EventLoops;
import io.etcdj.transport.Listener;
import io.etcdj.transport.PortServer;
import io.etcdj.transport.TestGrpc;
import io.etcdj.transport.http.HttpExchange;
import io.etcdj.transport.http.HttpRouter;
import io.etcdj.transport.tls.TestPki.Ca;
import io.etcdj.transport.tls.TestPki.Leaf;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC, HTTP/2 and HTTP/1.1 on one TLS port: etcd's {@code grpcHandlerFunc} behind Go's
 * http.Server, where curl's default h2 request for /health reaches the HTTP handlers and gRPC
 * requests on the same kind of connection reach gRPC.
 */
class PortServerTlsTest {
  @TempDir Path dir;
  private EventLoops loops;
  private PortServer server;
  private ManagedChannel grpc;
  private Path caFile;
  private final CompletableFuture<byte[]> held = new CompletableFuture<>();
  private final CompletableFuture<HttpExchange> slow = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    TestPki pki = new TestPki(dir);
    Ca ca = pki.ca("ca");
    Leaf leaf = pki.localLeaf(ca, "server", "server");
    caFile = pki.caFile(ca);
    loops = EventLoops.create("tls-test", 2);
    EtcdServerTls tls =
        EtcdServerTls.forClientPort(
            TlsInfo.builder().certFile(leaf.cert()).keyFile(leaf.key()).build());
    Listener l = Listener.builder(URI.create("https://127.0.0.1:0")).tls(tls).bind(loops);
    server =
        PortServer.builder(l)
            .grpc(b -> b.addService(TestGrpc.service(req -> held)))
            .http(
                HttpRouter.builder()
                    .handle(
                        "/health",
                        Set.of("GET"),
                        ex ->
                            ex.respond(
                                200,
                                "text/plain; charset=utf-8",
                                "{\"health\":\"true\"}".getBytes(StandardCharsets.UTF_8)))
                    .handle("/slow", slow::complete)
                    .build())
            .start();
    grpc =
        NettyChannelBuilder.forAddress("127.0.0.1", server.listener().port())
            .sslContext(GrpcSslContexts.forClient().trustManager(caFile.toFile()).build())
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    loops.close();
  }

  private String curl(String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("curl", "-s", "--max-time", "10", "--cacert", caFile.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out + " rc=" + p.exitValue();
  }

  private String url(String path) {
    return "https://127.0.0.1:" + server.listener().port() + path;
  }

  /** etcd 3.4.23: {@code curl --cacert ca.pem https://127.0.0.1:2379/health} over h2. */
  @Test
  void curlOverH2ReachesTheRouter() throws Exception {
    assertThat(curl("-w", " %{http_version} %{http_code}", url("/health")))
        .isEqualTo("{\"health\":\"true\"} 2 200 rc=0");
    assertThat(curl("-w", " %{http_version} %{http_code}", url("/nosuch")))
        .isEqualTo("404 page not found\n 2 404 rc=0");
    assertThat(curl("--http1.1", "-w", " %{http_version} %{http_code}", url("/health")))
        .isEqualTo("{\"health\":\"true\"} 1.1 200 rc=0");
  }

  @Test
  void grpcOverTlsReachesGrpc() throws Exception {
    assertThat(TestGrpc.call(grpc, TestGrpc.ECHO, "ping".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("ping".getBytes(StandardCharsets.UTF_8));
    // larger than the HTTP/2 windows both ways, so the relay's flow control is exercised
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    assertThat(TestGrpc.call(grpc, TestGrpc.ECHO, big)).isEqualTo(big);
  }

  @Test
  void jdkHttp2ClientAndGrpcOnTheSamePort() throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = java.nio.file.Files.newInputStream(caFile)) {
      ks.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl).build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url("/health"))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).isEqualTo("{\"health\":\"true\"}");
      assertThat(TestGrpc.call(grpc, TestGrpc.ECHO, new byte[] {(byte) i}))
          .isEqualTo(new byte[] {(byte) i});
    }
  }

  @Test
  void gracefulShutdownOverTlsLetsCallsInFlightFinish() throws Exception {
    CompletableFuture<byte[]> call =
        CompletableFuture.supplyAsync(
            () -> TestGrpc.call(grpc, TestGrpc.HOLD, "x".getBytes(StandardCharsets.UTF_8)));
    CompletableFuture<String> h2 =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return curl("-w", " %{http_version} %{http_code}", url("/slow"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    HttpExchange ex = slow.get(10, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.connectionCount() >= 2);
    Thread.sleep(200); // let the gRPC call reach the server; nothing to inject here
    CompletableFuture<Boolean> done =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return server.shutdown(Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(done).isNotDone();
    held.complete("done".getBytes(StandardCharsets.UTF_8));
    ex.respond(200, "text/plain", "late".getBytes(StandardCharsets.UTF_8));
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done".getBytes(StandardCharsets.UTF_8));
    assertThat(h2.get(10, TimeUnit.SECONDS)).isEqualTo("late 2 200 rc=0");
    assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
