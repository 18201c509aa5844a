package io.etcdj.transport;

import static com.google.common.base.Preconditions.checkArgument;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code rwTimeoutListener} ({@code pkg/transport/timeout_listener.go}, {@code
 * timeout_conn.go}) as a Netty handler. Go re-arms a read deadline before every {@code Read} and a
 * write deadline before every {@code Write}; here:
 *
 * <ul>
 *   <li>Read: the connection is closed when nothing has moved for the read timeout. Bytes read
 *       re-arm it, and so does a completed write: Go's server keeps a read pending while a handler
 *       streams a response, but a read timeout there only cancels the request context, it does not
 *       close the connection, so a long-lived flowing stream (rafthttp's) survives. An idle
 *       connection, or a client that sent half a request and stopped, is closed.
 *   <li>Write: while any write is outstanding, the connection is closed if none completes within
 *       the write timeout (re-armed per completed write). A client that stops reading fills its
 *       receive window, writes stop completing, and it is closed, so it cannot pin buffers.
 * </ul>
 *
 * <p>A zero duration disables that side, as in Go. The clock is injected for tests.
 *
 * <p>Not sharable; all methods run on the channel's event loop.
 */
public final class RwTimeoutHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(RwTimeoutHandler.class);

  /** rafthttp's ConnReadTimeout and ConnWriteTimeout. */
  public static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

  private final long readTimeoutNanos;
  private final long writeTimeoutNanos;
  private final LongSupplier ticker;

  private ChannelHandlerContext ctx;
  private long lastActivity;
  private long lastWriteProgress;
  private int pendingWrites;
  private ScheduledFuture<?> check;
  private long checkAt;
  private boolean closed;

  public RwTimeoutHandler(Duration readTimeout, Duration writeTimeout) {
    this(readTimeout, writeTimeout, System::nanoTime);
  }

  public RwTimeoutHandler(Duration readTimeout, Duration writeTimeout, LongSupplier ticker) {
    checkArgument(!readTimeout.isNegative() && !writeTimeout.isNegative(), "negative timeout");
    this.readTimeoutNanos = readTimeout.toNanos();
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.ticker = ticker;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastActivity = ticker.getAsLong();
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      schedule();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    lastActivity = ticker.getAsLong();
    schedule();
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    lastActivity = ticker.getAsLong();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (pendingWrites++ == 0) {
      lastWriteProgress = ticker.getAsLong();
      schedule();
    }
    ChannelPromise unvoid = promise.unvoid();
    unvoid.addListener(
        (ChannelFutureListener)
            f -> {
              pendingWrites--;
              long now = ticker.getAsLong();
              lastWriteProgress = now;
              if (f.isSuccess()) {
                lastActivity = now;
              }
            });
    ctx.write(msg, unvoid);
  }

  private void stop() {
    closed = true;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  /** Makes sure a check runs no later than the earliest deadline now in force. */
  private void schedule() {
    if (closed) {
      return;
    }
    long deadline = nextDeadline();
    if (deadline == Long.MAX_VALUE) {
      return;
    }
    if (check != null && checkAt <= deadline) {
      return;
    }
    if (check != null) {
      check.cancel(false);
    }
    checkAt = deadline;
    long delay = Math.max(0, deadline - ticker.getAsLong());
    check = ctx.executor().schedule(this::onCheck, delay, TimeUnit.NANOSECONDS);
  }

  private long nextDeadline() {
    long d = Long.MAX_VALUE;
    if (readTimeoutNanos > 0) {
      d = lastActivity + readTimeoutNanos;
    }
    if (writeTimeoutNanos > 0 && pendingWrites > 0) {
      d = Math.min(d, lastWriteProgress + writeTimeoutNanos);
    }
    return d;
  }

  private void onCheck() {
    check = null;
    if (closed) {
      return;
    }
    long now = ticker.getAsLong();
    if (writeTimeoutNanos > 0
        && pendingWrites > 0
        && now - lastWriteProgress >= writeTimeoutNanos) {
      timeout("write");
    } else if (readTimeoutNanos > 0 && now - lastActivity >= readTimeoutNanos) {
      timeout("read");
    } else {
      schedule();
    }
  }

  private void timeout(String side) {
    log.debug("closing {} after {} timeout", ctx.channel(), side);
    stop();
    ctx.close();
  }
}
