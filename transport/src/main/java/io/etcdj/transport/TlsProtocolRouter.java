package io.etcdj.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake: etcd's peer checks ({@link ServerTls#verifyPeer}), then the protocol by
 * ALPN, as Go's http.Server with {@code NextProtos} "h2": "h2" → HTTP/2 with per-stream routing
 * ({@code grpcHandlerFunc}), anything else (http/1.1, or no ALPN) → HTTP/1.1.
 *
 * <p>Runs on the channel's event loop; removes itself once it has decided.
 */
final class TlsProtocolRouter extends ApplicationProtocolNegotiationHandler {
  private static final Logger log = LoggerFactory.getLogger(TlsProtocolRouter.class);

  private final PortPipeline port;
  private final ServerTls tls;
  private final SslHandler ssl;

  TlsProtocolRouter(PortPipeline port, ServerTls tls, SslHandler ssl) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.port = port;
    this.tls = tls;
    this.ssl = ssl;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
      try {
        tls.verifyPeer(ssl.engine().getSession());
      } catch (SSLPeerUnverifiedException refused) {
        log.warn(
            "rejected connection from \"{}\" (error \"{}\")",
            ctx.channel().remoteAddress(),
            refused.getMessage());
        ctx.close();
        return;
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      port.addHttp2(ctx.pipeline(), ctx.name());
    } else {
      port.addHttp1(ctx.pipeline(), ctx.name());
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    log.warn(
        "rejected connection from \"{}\" (error \"{}\")",
        ctx.channel().remoteAddress(),
        cause.getMessage());
    ctx.close();
  }
}
