package io.etcdj.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * etcd's {@code pkg/transport/timeout_listener_test.go} (TestWriteReadTimeoutListener) and {@code
 * timeout_conn_test.go}: deadlines re-armed per read and per write, on a frozen clock.
 */
class RwTimeoutHandlerTest {
  private long now;

  /** Holds writes instead of completing them, like a client that has stopped reading. */
  private static final class StuckSocket extends ChannelOutboundHandlerAdapter {
    final List<ChannelPromise> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      io.netty.util.ReferenceCountUtil.release(msg);
      held.add(promise);
    }
  }

  private EmbeddedChannel channel(StuckSocket socket) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    if (socket != null) {
      ch.pipeline().addLast(socket);
    }
    ch.pipeline()
        .addLast(new RwTimeoutHandler(Duration.ofSeconds(5), Duration.ofSeconds(5), () -> now));
    return ch;
  }

  private void advance(EmbeddedChannel ch, long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
    ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void idleConnectionIsClosedAfterReadTimeout() {
    EmbeddedChannel ch = channel(null);
    advance(ch, 4999);
    assertThat(ch.isOpen()).isTrue();
    advance(ch, 1);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void eachReadReArmsTheReadDeadline() {
    EmbeddedChannel ch = channel(null);
    for (int i = 0; i < 10; i++) {
      advance(ch, 4000);
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
      ch.readInbound();
    }
    assertThat(ch.isOpen()).isTrue();
    advance(ch, 5000);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void halfSentRequestIsClosedAfterReadTimeout() {
    EmbeddedChannel ch = channel(null);
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "POST /raft HTTP/1.1\r\nContent-Le", io.netty.util.CharsetUtil.US_ASCII));
    ((io.netty.buffer.ByteBuf) ch.readInbound()).release();
    advance(ch, 5000);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void flowingResponseStreamIsKept() {
    EmbeddedChannel ch = channel(null);
    for (int i = 0; i < 100; i++) {
      advance(ch, 1000);
      ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
      ((io.netty.buffer.ByteBuf) ch.readOutbound()).release();
    }
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void clientThatStopsReadingIsClosedAfterWriteTimeout() {
    StuckSocket socket = new StuckSocket();
    EmbeddedChannel ch = channel(socket);
    advance(ch, 3000);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ((io.netty.buffer.ByteBuf) ch.readInbound()).release();
    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    // Reads keep coming, so only the write deadline can fire.
    advance(ch, 2500);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ((io.netty.buffer.ByteBuf) ch.readInbound()).release();
    advance(ch, 2499);
    assertThat(ch.isOpen()).isTrue();
    advance(ch, 1);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void eachCompletedWriteReArmsTheWriteDeadline() {
    StuckSocket socket = new StuckSocket();
    EmbeddedChannel ch = channel(socket);
    ch.write(Unpooled.wrappedBuffer(new byte[] {1}));
    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2}));
    advance(ch, 4000);
    socket.held.remove(0).setSuccess();
    advance(ch, 4000);
    assertThat(ch.isOpen()).isTrue();
    advance(ch, 1000);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void zeroTimeoutsDisableBothSides() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(new RwTimeoutHandler(Duration.ZERO, Duration.ZERO, () -> now));
    advance(ch, 3_600_000);
    assertThat(ch.isOpen()).isTrue();
  }
}
