package io.etcdj.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.transport.http.HttpRouter;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two-phase start, etcd's bind errors, and unix sockets, on real sockets. */
class ListenerServeTest {
  @TempDir Path dir;
  private EventLoops loops;

  @BeforeEach
  void start() {
    loops = EventLoops.create("listener-test", 2);
  }

  @AfterEach
  void stop() {
    loops.close();
  }

  private static HttpRouter health() {
    return HttpRouter.builder()
        .handle(
            "/health", ex -> ex.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /** A connection made before serve waits in the backlog and is answered once served. */
  @Test
  void acceptsNothingUntilServed() throws Exception {
    Listener l = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", l.port()), 5000);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.setSoTimeout(300);
      InputStream in = s.getInputStream();
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
      PortServer server = PortServer.builder(l).http(health()).start();
      try {
        s.setSoTimeout(5000);
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");
      } finally {
        server.close();
      }
    }
  }

  /** etcd: {@code listen tcp 127.0.0.1:2380: bind: address already in use}, before serving. */
  @Test
  void addressInUseFailsBindWithEtcdText() throws Exception {
    try (Listener first = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops)) {
      int port = first.port();
      assertThatThrownBy(
              () ->
                  Listener.builder(URI.create("http://127.0.0.1:" + port))
                      .role(Listener.Role.PEER)
                      .bind(loops))
          .isInstanceOf(ListenException.class)
          .hasMessage("listen tcp 127.0.0.1:" + port + ": bind: address already in use");
    }
  }

  @Test
  void closingAnUnservedListenerFreesThePort() throws Exception {
    Listener first = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    int port = first.port();
    first.close();
    try (Listener again = Listener.builder(URI.create("http://127.0.0.1:" + port)).bind(loops)) {
      assertThat(again.port()).isEqualTo(port);
    }
  }

  @Test
  void serveTwiceIsRefused() throws Exception {
    Listener l = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    try (PortServer s = PortServer.builder(l).start()) {
      assertThatThrownBy(() -> PortServer.builder(l).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Already served");
    }
  }

  /**
   * {@code unix://} as etcd's NewUnixListener: a stale socket file is removed first; gRPC (adopted
   * on a domain-socket channel) and HTTP/1.1 (curl --unix-socket) share it.
   */
  @Test
  void unixSocketServesGrpcAndHttp() throws Exception {
    Path sock = dir.resolve("etcd.sock");
    Files.writeString(sock, "stale");
    Listener l = Listener.builder(URI.create("unix://" + sock)).bind(loops);
    assertThat(l.port()).isEqualTo(-1);
    EpollEventLoopGroup clientLoop = new EpollEventLoopGroup(1);
    try (PortServer server =
        PortServer.builder(l).grpc(b -> b.addService(TestGrpc.echoOnly())).http(health()).start()) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(sock.toString()))
              .channelType(EpollDomainSocketChannel.class)
              .eventLoopGroup(clientLoop)
              .usePlaintext()
              .build();
      try {
        byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
        assertThat(TestGrpc.call(ch, TestGrpc.ECHO, hi)).isEqualTo(hi);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      Process p =
          new ProcessBuilder(
                  "curl",
                  "-s",
                  "--max-time",
                  "10",
                  "--unix-socket",
                  sock.toString(),
                  "http://localhost/health")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(out).isEqualTo("ok");
    } finally {
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    assertThat(sock).doesNotExist();
  }

  /**
   * {@code --listen-client-http-urls} (3.4.25+): HTTP only; gRPC there is a configuration error.
   */
  @Test
  void clientHttpPortServesHttpOnly() throws Exception {
    Listener l =
        Listener.builder(URI.create("http://127.0.0.1:0"))
            .role(Listener.Role.CLIENT_HTTP)
            .bind(loops);
    assertThatThrownBy(() -> PortServer.builder(l).grpc(b -> {}).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("--listen-client-http-urls serve HTTP only");
    try (PortServer server = PortServer.builder(l).http(health()).start()) {
      assertThat(raw(l.port(), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200 OK\r\n")
          .endsWith("ok");
      assertThat(raw(l.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEmpty();
    }
  }

  /** Go's http.Server on etcd's peer port (cmux.Any) answers unreadable requests itself. */
  @Test
  void peerPortAnswersMalformedRequestsAsGo() throws Exception {
    Listener l =
        Listener.builder(URI.create("http://127.0.0.1:0")).role(Listener.Role.PEER).bind(loops);
    try (PortServer server =
        PortServer.builder(l).grpc(b -> b.addService(TestGrpc.echoOnly())).start()) {
      assertThat(raw(l.port(), "garbage\r\n\r\n"))
          .isEqualTo(
              "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  + "Connection: close\r\n\r\n400 Bad Request");
      assertThat(raw(l.port(), "GET / HTTP/2.0\r\n\r\n"))
          .isEqualTo(
              "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version\r\n"
                  + "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
                  + "505 HTTP Version Not Supported: unsupported protocol version");
    }
  }

  static String raw(int port, String probe) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(probe.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
