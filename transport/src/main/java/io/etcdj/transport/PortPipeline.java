package io.etcdj.transport;

import io.etcdj.transport.http.HttpRouter;
import io.etcdj.transport.http.HttpServerHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection pipeline of a {@link PortServer}, one handler per concern: rafthttp's
 * read/write timeouts on peer ports, then TLS (ALPN h2 → {@link #addHttp2}, otherwise {@link
 * #addHttp1}) or the plaintext sniffer.
 *
 * <p>Sharable; {@link #initChannel} runs on each accepted channel's event loop.
 */
@ChannelHandler.Sharable
final class PortPipeline extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(PortPipeline.class);

  /** Go's http.Server limits (DefaultMaxHeaderBytes 1 MiB) rather than Netty's 4/8 KiB. */
  static final int MAX_INITIAL_LINE = 1 << 20;

  static final int MAX_HEADER_BYTES = 1 << 20;

  /** Go's http2 server default (http2defaultMaxStreams). */
  static final long MAX_CONCURRENT_STREAMS = 250;

  static final List<String> ALPN = List.of("h2", "http/1.1");

  private final Listener.Role role;
  private final ServerTls tls;
  private final GrpcEndpoint grpc;
  private final HttpRouter router;
  private final ChannelGroup connections;

  PortPipeline(
      Listener.Role role,
      ServerTls tls,
      GrpcEndpoint grpc,
      HttpRouter router,
      ChannelGroup connections) {
    this.role = role;
    this.tls = tls;
    this.grpc = grpc;
    this.router = router;
    this.connections = connections;
  }

  Listener.Role role() {
    return role;
  }

  /** Null for an HTTP-only port. */
  GrpcEndpoint grpc() {
    return grpc;
  }

  HttpRouter router() {
    return router;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ChannelPipeline p = ch.pipeline();
    if (role == Listener.Role.PEER) {
      p.addLast(
          "rw-timeout",
          new RwTimeoutHandler(RwTimeoutHandler.PEER_TIMEOUT, RwTimeoutHandler.PEER_TIMEOUT));
    }
    if (tls == null) {
      p.addLast("sniff", new PlaintextSniffer(this));
      return;
    }
    SslHandler ssl;
    try {
      // The remote IP as peer host: EtcdServerTls's SAN check on peer ports needs it.
      ssl =
          ch.remoteAddress() instanceof InetSocketAddress remote
              ? tls.serverContext(ALPN)
                  .newHandler(ch.alloc(), remote.getAddress().getHostAddress(), remote.getPort())
              : tls.serverContext(ALPN).newHandler(ch.alloc());
    } catch (RuntimeException e) {
      log.warn(
          "rejected connection from \"{}\" (error \"{}\")", ch.remoteAddress(), e.getMessage());
      ch.close();
      return;
    }
    p.addLast("tls", ssl);
    p.addLast("alpn", new TlsProtocolRouter(this, tls, ssl));
  }

  /** HTTP/1.1 after the handler named {@code after}. */
  void addHttp1(ChannelPipeline p, String after) {
    p.addAfter(after, "http1", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 64 * 1024));
    p.addAfter("http1", "continue", new HttpServerExpectContinueHandler());
    p.addAfter("continue", "router", new HttpServerHandler(router, false));
  }

  /** HTTP/2 over TLS: each stream goes to gRPC or to the router by its content type. */
  void addHttp2(ChannelPipeline p, String after) {
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
            .gracefulShutdownTimeoutMillis(-1) // PortServer enforces its own deadline
            .build();
    p.addAfter(after, "h2", codec);
    p.addAfter("h2", "h2-mux", new Http2MultiplexHandler(new StreamSelector.Init(this)));
    p.addAfter("h2-mux", "h2-drain", new Http2Drain());
  }
}
