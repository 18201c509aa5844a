package io.etcdj.transport;

import io.etcdj.transport.http.HttpServerHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * On a draining server, closes an HTTP/2 connection gracefully: Netty's connection handler sends
 * GOAWAY and closes once the open streams finish (PortServer cuts them at its deadline).
 */
final class Http2Drain extends ChannelInboundHandlerAdapter {
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == HttpServerHandler.Drain.INSTANCE) {
      ctx.channel().close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
