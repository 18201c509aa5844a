package io.etcdj.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The worker group handed to grpc-netty's server: it registers new channels with the node's worker
 * loops, and treats a channel that is already registered (a connection our listener accepted,
 * sniffed and handed over) as registered, instead of failing it with "registered to an event loop
 * already". That is what lets grpc's own per-connection setup run on a socket it did not accept, so
 * plaintext gRPC pays no proxy hop.
 *
 * <p>Lifecycle belongs to {@link EventLoops}: shutting this group down is a no-op, as grpc-java
 * never shuts down a group it was given.
 */
final class AdoptingEventLoopGroup extends AbstractEventExecutorGroup implements EventLoopGroup {
  private final EventLoopGroup delegate;

  AdoptingEventLoopGroup(EventLoopGroup delegate) {
    this.delegate = delegate;
  }

  @Override
  public EventLoop next() {
    return delegate.next();
  }

  @Override
  public Iterator<EventExecutor> iterator() {
    return delegate.iterator();
  }

  @Override
  public ChannelFuture register(Channel channel) {
    if (channel.isRegistered()) {
      return channel.newSucceededFuture();
    }
    return delegate.register(channel);
  }

  @Override
  public ChannelFuture register(ChannelPromise promise) {
    if (promise.channel().isRegistered()) {
      return promise.setSuccess();
    }
    return delegate.register(promise);
  }

  @Deprecated
  @Override
  public ChannelFuture register(Channel channel, ChannelPromise promise) {
    if (channel.isRegistered()) {
      return promise.setSuccess();
    }
    return delegate.register(promise);
  }

  @Override
  public boolean isShuttingDown() {
    return delegate.isShuttingDown();
  }

  @Override
  public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
    return delegate.terminationFuture(); // owned by EventLoops, not by grpc
  }

  @Override
  public Future<?> terminationFuture() {
    return delegate.terminationFuture();
  }

  @Deprecated
  @Override
  public void shutdown() {
    // owned by EventLoops
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }
}
