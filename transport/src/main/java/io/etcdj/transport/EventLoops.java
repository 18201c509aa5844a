package io.etcdj.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops every listener of one node shares: one acceptor loop and a worker group. Netty's
 * native epoll transport is used where it loads (it is the only one that can serve unix sockets),
 * NIO otherwise. Created by {@code embed} and passed down; no static state, so several nodes run in
 * one JVM.
 *
 * <p>Thread-safe. {@link #close()} waits for the loops to stop and must not be called from one.
 */
public final class EventLoops implements AutoCloseable {
  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup worker;

  private EventLoops(boolean epoll, EventLoopGroup boss, EventLoopGroup worker) {
    this.epoll = epoll;
    this.boss = boss;
    this.worker = worker;
  }

  /** Loops named after {@code name}; {@code workerThreads} 0 means Netty's default (2 x cores). */
  public static EventLoops create(String name, int workerThreads) {
    return create(name, workerThreads, Epoll.isAvailable());
  }

  /** As {@link #create(String, int)}, choosing the transport (NIO cannot serve unix sockets). */
  public static EventLoops create(String name, int workerThreads, boolean useEpoll) {
    DefaultThreadFactory bossThreads = new DefaultThreadFactory(name + "-accept", true);
    DefaultThreadFactory workerThreadFactory = new DefaultThreadFactory(name + "-io", true);
    if (useEpoll) {
      return new EventLoops(
          true,
          new EpollEventLoopGroup(1, bossThreads),
          new EpollEventLoopGroup(workerThreads, workerThreadFactory));
    }
    return new EventLoops(
        false,
        new NioEventLoopGroup(1, bossThreads),
        new NioEventLoopGroup(workerThreads, workerThreadFactory));
  }

  public boolean epoll() {
    return epoll;
  }

  EventLoopGroup boss() {
    return boss;
  }

  /** The worker group, for handlers that need to schedule next to the channels they serve. */
  public EventLoopGroup worker() {
    return worker;
  }

  Class<? extends ServerChannel> tcpServerChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The unix-socket channel type, or an exception saying why there is none. */
  Class<? extends ServerChannel> unixServerChannel() throws ListenException {
    if (!epoll) {
      Throwable cause = Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
      throw new ListenException(
          "unix sockets need Netty's native epoll transport, which is "
              + (cause == null ? "not selected" : "unavailable: " + cause.getMessage()),
          cause);
    }
    return EpollServerDomainSocketChannel.class;
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    worker.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    boss.terminationFuture().syncUninterruptibly();
    worker.terminationFuture().syncUninterruptibly();
  }
}
