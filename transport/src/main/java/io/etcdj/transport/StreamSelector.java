package io.etcdj.transport;

import io.etcdj.transport.http.HttpServerHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * etcd's {@code grpcHandlerFunc} for one HTTP/2 stream over TLS: a request whose content type
 * contains "application/grpc" goes to gRPC ({@link GrpcStreamRelay}); any other goes to the same
 * router as HTTP/1.1, through Netty's frame-to-HTTP-object codec.
 *
 * <p>Runs on the stream channel's event loop; replaces itself at the first HEADERS frame.
 */
final class StreamSelector extends ChannelInboundHandlerAdapter {
  private final PortPipeline port;

  StreamSelector(PortPipeline port) {
    this.port = port;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2HeadersFrame headers)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    CharSequence type = headers.headers().get(HttpHeaderNames.CONTENT_TYPE);
    boolean grpc = type != null && type.toString().contains("application/grpc");
    if (grpc && port.grpc() == null) {
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
      ctx.close();
      return;
    }
    if (grpc) {
      ctx.pipeline().replace(this, "grpc-relay", new GrpcStreamRelay(port.grpc()));
    } else {
      ctx.pipeline().addAfter(ctx.name(), "h2-http", new Http2StreamFrameToHttpObjectCodec(true));
      ctx.pipeline().addAfter("h2-http", "router", new HttpServerHandler(port.router(), true));
      ctx.pipeline().remove(this);
    }
    ctx.pipeline().fireChannelRead(msg);
  }

  /** Installs a selector on each new stream. */
  static final class Init extends ChannelInitializer<Http2StreamChannel> {
    private final PortPipeline port;

    Init(PortPipeline port) {
      this.port = port;
    }

    @Override
    protected void initChannel(Http2StreamChannel ch) {
      ch.pipeline().addLast("select", new StreamSelector(port));
    }
  }
}
