package io.etcdj.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;

/**
 * Relays one gRPC stream of an HTTP/2-over-TLS connection to the port's grpc-java server, over an
 * in-JVM HTTP/2 connection ({@code LocalChannel}) opened once per client connection, so streams map
 * one to one and a slow client's flow control stays its own. Frames are forwarded as they are
 * (headers, data, trailers, resets); each side stops reading while the other is not writable, so
 * the HTTP/2 windows carry the backpressure end to end.
 *
 * <p>This is the TLS counterpart of Go's {@code grpcServer.ServeHTTP} inside {@code
 * grpcHandlerFunc}: the hop costs an extra HTTP/2 encode/decode in memory, no socket.
 *
 * <p>Both stream channels share the client connection's event loop; nothing here is shared.
 */
final class GrpcStreamRelay extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<Future<Channel>> RELAY =
      AttributeKey.valueOf(GrpcStreamRelay.class, "relay");

  private final GrpcEndpoint grpc;
  private final ArrayDeque<Object> early = new ArrayDeque<>();
  private Channel client;
  private Channel server; // the stream towards grpc, once open
  private boolean opening;

  GrpcStreamRelay(GrpcEndpoint grpc) {
    this.grpc = grpc;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    client = ctx.channel();
    if (server == null) {
      early.add(msg);
      if (!opening) {
        opening = true;
        ctx.channel().config().setAutoRead(false); // bounded: nothing more until grpc's side opens
        open(ctx);
      }
      return;
    }
    forward(msg, server);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (server != null) {
      server.flush();
    }
  }

  private void open(ChannelHandlerContext ctx) {
    Channel parent = ctx.channel().parent();
    relayConnection(parent)
        .addListener(
            (Future<Channel> c) -> {
              if (!c.isSuccess() || !ctx.channel().isActive()) {
                refuse(ctx);
                return;
              }
              new Http2StreamChannelBootstrap(c.getNow())
                  .handler(new Back(ctx.channel()))
                  .open()
                  .addListener(
                      f -> {
                        if (!f.isSuccess() || !ctx.channel().isActive()) {
                          refuse(ctx);
                          return;
                        }
                        server = (Http2StreamChannel) f.getNow();
                        while (!early.isEmpty()) {
                          forward(early.poll(), server);
                        }
                        server.flush();
                        ctx.channel().config().setAutoRead(server.isWritable());
                      });
            });
  }

  private void refuse(ChannelHandlerContext ctx) {
    while (!early.isEmpty()) {
      ReferenceCountUtil.release(early.poll());
    }
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
    ctx.close();
  }

  /**
   * The client connection's relay to grpc, connected on first use and closed with it. Ready only
   * once its HTTP/2 preface is out: the connect promise completes before channelActive, where
   * Netty's codec writes the preface, so readiness is signalled from behind the codec.
   */
  private Future<Channel> relayConnection(Channel parent) {
    Future<Channel> existing = parent.attr(RELAY).get();
    if (existing != null
        && (!existing.isDone() || existing.getNow() != null && existing.getNow().isActive())) {
      return existing;
    }
    Promise<Channel> ready = parent.eventLoop().newPromise();
    ChannelFuture f =
        new Bootstrap()
            .group(parent.eventLoop())
            .channel(LocalChannel.class)
            .handler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forClient().build())
                        .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelActive(ChannelHandlerContext ctx) {
                                ready.trySuccess(ctx.channel());
                                ctx.fireChannelActive();
                              }
                            });
                  }
                })
            .connect(grpc.address());
    f.addListener(
        (ChannelFuture c) -> {
          if (!c.isSuccess()) {
            ready.tryFailure(c.cause());
          }
        });
    parent.attr(RELAY).set(ready);
    parent.closeFuture().addListener(x -> f.channel().close());
    return ready;
  }

  /** Copies one frame onto {@code to}; the frame's stream binding is {@code to}'s own. */
  static void forward(Object msg, Channel to) {
    try {
      if (msg instanceof Http2HeadersFrame h) {
        to.write(new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream()));
      } else if (msg instanceof Http2DataFrame d) {
        to.write(new DefaultHttp2DataFrame(d.content().retain(), d.isEndStream()));
      } else if (msg instanceof Http2ResetFrame r) {
        to.writeAndFlush(new DefaultHttp2ResetFrame(r.errorCode()));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (server != null) {
      server.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    while (!early.isEmpty()) {
      ReferenceCountUtil.release(early.poll());
    }
    if (server != null) {
      server.close(); // resets grpc's stream if it is still open
    }
    ctx.fireChannelInactive();
  }

  /** The grpc side of the stream: answers go back to the client's stream. */
  private final class Back extends ChannelInboundHandlerAdapter {
    private final Channel clientStream;

    Back(Channel clientStream) {
      this.clientStream = clientStream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      forward(msg, clientStream);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      clientStream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      clientStream.config().setAutoRead(ctx.channel().isWritable());
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      clientStream.flush(); // the trailers just forwarded go out before the stream closes
      clientStream.close();
      ctx.fireChannelInactive();
    }
  }
}
