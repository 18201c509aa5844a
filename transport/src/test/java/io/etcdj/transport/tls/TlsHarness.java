package io.etcdj.transport.tls;

import io.etcdj.transport.ServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A loopback TLS server built from a {@link ServerTls} the way a listener uses the seam: a fresh
 * {@code serverContext} per connection, the engine created with the remote IP as peer host, {@code
 * verifyPeer} after the handshake. An accepted connection gets a tiny HTTP 200 "OK" response (so
 * curl can probe it too); a refused one is closed.
 */
final class TlsHarness implements AutoCloseable {
  static final String RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";

  /** What a client saw. */
  record Outcome(
      boolean accepted,
      String protocol,
      String cipher,
      String alpn,
      BigInteger serverSerial,
      String error) {}

  final Queue<String> serverErrors = new ConcurrentLinkedQueue<>();
  private final NioEventLoopGroup group = new NioEventLoopGroup(2);
  private final Channel server;

  TlsHarness(ServerTls tls, List<String> alpn) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    InetSocketAddress remote = ch.remoteAddress();
                    SslHandler ssl;
                    try {
                      ssl =
                          tls.serverContext(alpn)
                              .newHandler(ch.alloc(), remote.getHostString(), remote.getPort());
                    } catch (CertificateReloadException e) {
                      serverErrors.add(e.getMessage());
                      ch.close();
                      return;
                    }
                    ch.pipeline().addLast(ssl, new ServerCheck(tls, ssl));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Every message in the cause chain: OpenSSL wraps the trust manager's refusal in "General
   * OpenSslEngine problem", the JDK puts it in the message itself.
   */
  static String causeChain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (b.length() > 0) {
        b.append(" <- ");
      }
      b.append(c);
    }
    return b.toString();
  }

  private final class ServerCheck extends ChannelInboundHandlerAdapter {
    private final ServerTls tls;
    private final SslHandler ssl;

    ServerCheck(ServerTls tls, SslHandler ssl) {
      this.tls = tls;
      this.ssl = ssl;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (!e.isSuccess()) {
          serverErrors.add(causeChain(e.cause()));
          ctx.close();
          return;
        }
        try {
          tls.verifyPeer(ssl.engine().getSession());
        } catch (SSLPeerUnverifiedException x) {
          serverErrors.add(x.getMessage());
          ctx.close();
          return;
        }
        ctx.writeAndFlush(Unpooled.copiedBuffer(RESPONSE, StandardCharsets.US_ASCII));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Connects with a handler from {@code handlerFor} (given the channel) and waits for "OK". */
  Outcome connect(Function<SocketChannel, SslHandler> handlerFor) throws Exception {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler ssl = handlerFor.apply(ch);
                    ch.pipeline().addLast(ssl, new ClientCheck(ssl, result));
                  }
                })
            .connect("127.0.0.1", port())
            .sync()
            .channel();
    try {
      return result.get(20, TimeUnit.SECONDS);
    } finally {
      ch.close().sync();
    }
  }

  private static final class ClientCheck extends ChannelInboundHandlerAdapter {
    private final SslHandler ssl;
    private final CompletableFuture<Outcome> result;
    private final StringBuilder received = new StringBuilder();
    private String protocol = "";
    private String cipher = "";
    private String alpn = "";
    private BigInteger serial;
    private String error = "";

    ClientCheck(SslHandler ssl, CompletableFuture<Outcome> result) {
      this.ssl = ssl;
      this.result = result;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (!e.isSuccess()) {
          error = String.valueOf(e.cause());
          finish(false);
          return;
        }
        SSLSession s = ssl.engine().getSession();
        protocol = s.getProtocol();
        cipher = s.getCipherSuite();
        alpn = ssl.applicationProtocol() == null ? "" : ssl.applicationProtocol();
        serial = ((X509Certificate) s.getPeerCertificates()[0]).getSerialNumber();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        received.append(b.toString(StandardCharsets.US_ASCII));
      } finally {
        b.release();
      }
      if (received.toString().endsWith("OK") && received.toString().contains("\r\n\r\n")) {
        finish(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (error.isEmpty()) {
        error = String.valueOf(cause);
      }
      finish(false);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (error.isEmpty()) {
        error = "connection closed";
      }
      finish(false);
    }

    private void finish(boolean accepted) {
      result.complete(new Outcome(accepted, protocol, cipher, alpn, serial, error));
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
