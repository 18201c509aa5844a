package io.etcdj.transport;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.local.LocalAddress;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One grpc-java Netty server per listener, with no socket of its own: its server channel is a
 * {@link GrpcLocalServerChannel} on a private in-JVM address. Connections reach it two ways:
 *
 * <ul>
 *   <li>{@link #adopt}: a plaintext TCP connection our listener accepted and sniffed (HTTP/2
 *       preface) is fired into grpc's server pipeline as if grpc had accepted it, so grpc's own
 *       per-connection handler runs directly on the socket (no proxy hop). {@link
 *       AdoptingEventLoopGroup} keeps the already-registered channel on its loop.
 *   <li>{@link #address()}: the TLS path relays gRPC streams of an HTTP/2 connection whose other
 *       streams are ours over an in-JVM {@code LocalChannel} connection to this address.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class GrpcEndpoint {
  private final Server server;
  private final Channel serverChannel;
  private final LocalAddress address;

  private GrpcEndpoint(Server server, Channel serverChannel, LocalAddress address) {
    this.server = server;
    this.serverChannel = serverChannel;
    this.address = address;
  }

  /** Builds and starts the server; {@code configure} adds services, interceptors and limits. */
  static GrpcEndpoint start(EventLoops loops, Consumer<NettyServerBuilder> configure)
      throws IOException {
    LocalAddress address = new LocalAddress(GrpcEndpoint.class);
    AtomicReference<Channel> created = new AtomicReference<>();
    NettyServerBuilder b = NettyServerBuilder.forAddress(address);
    configure.accept(b);
    // Set last so a configurer cannot replace the channel type or the loops by accident.
    b.channelFactory(
            () -> {
              ServerChannel c = new GrpcLocalServerChannel();
              created.set(c);
              return c;
            })
        .bossEventLoopGroup(loops.boss())
        .workerEventLoopGroup(new AdoptingEventLoopGroup(loops.worker()));
    Server server = b.build().start();
    return new GrpcEndpoint(server, created.get(), address);
  }

  Server server() {
    return server;
  }

  LocalAddress address() {
    return address;
  }

  /**
   * Hands {@code ch} (registered, active, auto-read off, its sniffed bytes held by the caller) to
   * grpc. grpc's initializer is added from the server channel's loop, which queues it on {@code
   * ch}'s loop; {@code whenInstalled} is queued after it, so it runs once grpc's handlers are in
   * the pipeline and may then release the held bytes to them.
   */
  void adopt(Channel ch, Runnable whenInstalled) {
    serverChannel
        .eventLoop()
        .execute(
            () -> {
              if (!serverChannel.isActive()) {
                ch.close(); // grpc is shutting down: as a closed grpc listener, refuse
                return;
              }
              serverChannel.pipeline().fireChannelRead(ch);
              ch.eventLoop()
                  .execute(
                      () -> {
                        if (ch.isOpen()) {
                          whenInstalled.run();
                        }
                      });
            });
  }

  /** grpc's GracefulStop: no new streams, GOAWAY to every connection. */
  void shutdown() {
    server.shutdown();
  }

  /** grpc's Stop: cancels the streams still running. */
  void shutdownNow() {
    server.shutdownNow();
  }

  boolean awaitTermination(long nanos) throws InterruptedException {
    return server.awaitTermination(nanos, TimeUnit.NANOSECONDS);
  }
}
