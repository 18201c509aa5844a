package io.etcdj.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.transport.http.HttpExchange;
import io.etcdj.transport.http.HttpRouter;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC and HTTP/1.1 on one plaintext port (etcd's cmux + grpcHandlerFunc on an http:// client URL),
 * with the probes we also run against etcd 3.4.23 (see docs/decisions/0003).
 */
class PortServerTest {
  private EventLoops loops;
  private PortServer server;
  private ManagedChannel grpc;
  private final CompletableFuture<HttpExchange> slow = new CompletableFuture<>();
  private final CompletableFuture<byte[]> held = new CompletableFuture<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void start() throws Exception {
    loops = EventLoops.create("test", 2);
    Listener l = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    HttpRouter router =
        HttpRouter.builder()
            .handle(
                "/health",
                Set.of("GET"),
                ex -> ex.respond(200, "text/plain; charset=utf-8", bytes("{\"health\":\"true\"}")))
            .handle("/raft", ex -> ex.respond(200, "text/plain", bytes("raft")))
            .handle("/raft/", ex -> ex.respond(200, "text/plain", bytes("raft/ " + ex.path())))
            .handle("/slow", slow::complete)
            .handle("/v2/keys/", ex -> ex.respond(200, "text/plain", bytes("keys")))
            .handle(
                "/boom",
                ex -> {
                  throw new IllegalStateException("boom");
                })
            .handle(
                "/later",
                ex ->
                    CompletableFuture.runAsync(
                        () -> ex.respond(200, "text/plain", bytes("later " + ex.path()))))
            .handle(
                "/later/",
                ex ->
                    CompletableFuture.runAsync(
                        () -> ex.respond(200, "text/plain", bytes("later " + ex.path()))))
            .handle("/echo", ex -> ex.respond(200, "application/octet-stream", ex.body()))
            .build();
    server =
        PortServer.builder(l)
            .grpc(b -> b.addService(TestGrpc.service(req -> held)))
            .http(router)
            .start();
    grpc = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    loops.close();
  }

  private int port() {
    return server.listener().port();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void grpcAndHttp1ShareOnePlaintextPort() throws Exception {
    assertThat(TestGrpc.call(grpc, TestGrpc.ECHO, bytes("ping"))).isEqualTo(bytes("ping"));
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"health\":\"true\"}");
    // and again on the same gRPC connection, after the HTTP one
    assertThat(TestGrpc.call(grpc, TestGrpc.ECHO, bytes("pong"))).isEqualTo(bytes("pong"));
  }

  /** etcd: {@code curl -i http://127.0.0.1:2379/nosuch}. */
  @Test
  void unknownPathIsGoNotFound() throws Exception {
    HttpResponse<String> r = get("/nosuch");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("404 page not found\n");
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("content-length")).hasValue("19");
    assertThat(r.headers().firstValue("date")).isPresent();
  }

  /** etcd: {@code curl -i -X POST http://127.0.0.1:2379/health}. */
  @Test
  void restrictedMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/health"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).isEqualTo("Method Not Allowed\n");
    assertThat(r.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void exactAndSubtreePatternsAreDistinct() throws Exception {
    assertThat(get("/raft").body()).isEqualTo("raft");
    assertThat(get("/raft/").body()).isEqualTo("raft/ /raft/");
    assertThat(get("/raft/stream/msgapp/1").body()).isEqualTo("raft/ /raft/stream/msgapp/1");
  }

  @Test
  void bodyIsReadAndKeepAliveServesTheNextRequest() throws Exception {
    byte[] big = new byte[300_000];
    new java.util.Random(1).nextBytes(big);
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/echo"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(big);
    }
  }

  @Test
  void bodyOverTheRouteLimitIs413() throws Exception {
    byte[] tooBig = new byte[(int) HttpRouter.DEFAULT_MAX_REQUEST_BYTES + 1];
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(tooBig))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).isEqualTo("http: request body too large\n");
  }

  /** Go's ServeMux: the subtree root without its slash is redirected, with the query kept. */
  @Test
  void subtreeRootRedirectsAsGo() throws Exception {
    String r =
        rawExchange("GET /v2/keys?recursive=true HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(r)
        .startsWith("HTTP/1.1 301 Moved Permanently\r\n")
        .contains("\r\nLocation: /v2/keys/?recursive=true\r\n")
        .contains("\r\nContent-Type: text/html; charset=utf-8\r\n")
        .endsWith("\r\n\r\n<a href=\"/v2/keys/?recursive=true\">Moved Permanently</a>.\n\n");
  }

  @Test
  void throwingHandlerAnswers500AndCloses() throws Exception {
    String r = rawExchange("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(r)
        .startsWith("HTTP/1.1 500 Internal Server Error\r\n")
        .endsWith("Internal Server Error\n");
  }

  /** Pipelined requests get their (async) answers in order, one at a time. */
  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    String r =
        rawExchange(
            "GET /later/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /later/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /later/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(r.indexOf("later /later/1")).isPositive();
    assertThat(r.indexOf("later /later/1")).isLessThan(r.indexOf("later /later/2"));
    assertThat(r.indexOf("later /later/2")).isLessThan(r.indexOf("later /later/3"));
  }

  @Test
  void secondAnswerIsRefused() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpExchange ex = slow.get(10, TimeUnit.SECONDS);
    ex.respond(204, "text/plain", new byte[0]);
    assertThatThrownBy(() -> ex.respond(200, "text/plain", new byte[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("http: multiple response.WriteHeader calls");
    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
  }

  /** etcd's client cmux (HTTP2 | HTTP1): anything else is closed without an answer. */
  @Test
  void notHttpIsClosedUnanswered() throws Exception {
    for (String probe : List.of("garbage\r\n\r\n", "GET / HTTP/2.0\r\n\r\n")) {
      assertThat(rawExchange(probe)).as(probe).isEmpty();
    }
  }

  String rawExchange(String probe) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(probe.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * etcd 3.4.23: {@code curl --http2-prior-knowledge http://127.0.0.1:2379/health} exits 92 (stream
   * reset by grpc-go). Here grpc-java refuses the non-gRPC stream too; curl fails.
   */
  @Test
  void plaintextHttp2IsGrpcOnly() throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--max-time",
                "10",
                "--http2-prior-knowledge",
                "http://127.0.0.1:" + port() + "/health")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(out).isNotEqualTo("200");
  }

  @Test
  void gracefulShutdownLetsAnHttpRequestInFlightFinish() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpExchange ex = slow.get(10, TimeUnit.SECONDS);
    CompletableFuture<Boolean> done =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return server.shutdown(Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    // not accepting any more, while the request is still open
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () -> {
                          try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port()), 1000);
                          }
                        })
                    .isInstanceOf(ConnectException.class));
    assertThat(done).isNotDone();
    ex.respond(200, "text/plain", bytes("late"));
    assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).isEqualTo("late");
    assertThat(inFlight.get().headers().firstValue("connection")).hasValue("close");
    assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void gracefulShutdownLetsAGrpcCallInFlightFinish() throws Exception {
    CompletableFuture<byte[]> call =
        CompletableFuture.supplyAsync(() -> TestGrpc.call(grpc, TestGrpc.HOLD, bytes("x")));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.connectionCount() > 0);
    Thread.sleep(200); // let the call reach the server; nothing to inject here
    CompletableFuture<Boolean> done =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return server.shutdown(Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(done).isNotDone();
    held.complete(bytes("released"));
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(bytes("released"));
    assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void deadlineClosesWhatIsStillOpen() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    slow.get(10, TimeUnit.SECONDS);
    List<Throwable> errors = new ArrayList<>();
    assertThat(server.shutdown(Duration.ofMillis(300))).isFalse();
    inFlight.handle((r, e) -> errors.add(e)).get(10, TimeUnit.SECONDS);
    assertThat(errors).doesNotContainNull();
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void streamedResponse() throws Exception {
    // registered on a second server: the router is immutable
    server.close();
    Listener l = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    server =
        PortServer.builder(l)
            .http(
                HttpRouter.builder()
                    .handle(
                        "/stream",
                        ex -> {
                          var s =
                              ex.stream(
                                  200, new DefaultHttpHeaders().set("Content-Type", "text/plain"));
                          s.write(bytes("a")).thenCompose(v -> s.write(bytes("b"))).thenRun(s::end);
                        })
                    .build())
            .start();
    HttpResponse<String> r = get("/stream");
    assertThat(r.body()).isEqualTo("ab");
    assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
  }
}
