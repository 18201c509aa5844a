package io.etcdj.transport;

import static com.google.common.base.Preconditions.checkState;

import io.etcdj.transport.http.HttpRouter;
import io.etcdj.transport.http.HttpServerHandler;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves gRPC and HTTP on one bound {@link Listener}, as etcd's {@code serveClients} / {@code
 * servePeers} put cmux, a grpc server and an http.Server on one listener:
 *
 * <ul>
 *   <li>plaintext: the HTTP/2 preface goes straight to grpc-java's connection handler (no proxy
 *       hop), HTTP/1.x to the {@link HttpRouter};
 *   <li>TLS: ALPN h2 → per stream, "application/grpc" to gRPC and anything else to the router;
 *       http/1.1 → the router;
 *   <li>{@link Listener.Role#PEER}: rafthttp's 5 s read/write timeouts on every connection.
 * </ul>
 *
 * <pre>{@code
 * Listener l = Listener.builder(URI.create("http://127.0.0.1:2379")).bind(loops);
 * PortServer s = PortServer.builder(l)
 *     .grpc(b -> b.addService(kv).intercept(auth).maxInboundMessageSize(limit))
 *     .http(HttpRouter.builder().handle("/health", Set.of("GET"), health).build())
 *     .start();
 * ...
 * s.shutdown(Duration.ofSeconds(5)); // etcd's stopServers
 * }</pre>
 *
 * <p>Thread-safe. {@link #shutdown} blocks and must not be called from an event loop.
 */
public final class PortServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PortServer.class);

  private final Listener listener;
  private final GrpcEndpoint grpc; // null: HTTP only
  private final ChannelGroup connections;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  private PortServer(Listener listener, GrpcEndpoint grpc, ChannelGroup connections) {
    this.listener = listener;
    this.grpc = grpc;
    this.connections = connections;
  }

  public static Builder builder(Listener listener) {
    return new Builder(listener);
  }

  public Listener listener() {
    return listener;
  }

  /** The grpc-java server behind this port, when gRPC is served. */
  public Optional<Server> grpcServer() {
    return grpc == null ? Optional.empty() : Optional.of(grpc.server());
  }

  /** Open connections (all protocols), for tests and metrics. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Graceful close with a deadline, as etcd's {@code stopServers}: stop accepting (the port is
   * freed), GOAWAY to gRPC connections and no new HTTP requests (idle HTTP connections close at
   * once, busy ones after their answer); requests and streams in flight may finish until {@code
   * deadline}, then whatever is left is closed (gRPC calls cancelled). Idempotent.
   *
   * @return whether everything finished before the deadline
   */
  public boolean shutdown(Duration deadline) throws InterruptedException {
    if (!shutdown.compareAndSet(false, true)) {
      return connections.isEmpty();
    }
    long end = System.nanoTime() + deadline.toNanos();
    listener.close();
    if (grpc != null) {
      grpc.shutdown();
    }
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(HttpServerHandler.Drain.INSTANCE);
    }
    boolean clean =
        connections
            .newCloseFuture()
            .await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (grpc != null) {
      clean &= grpc.awaitTermination(Math.max(0, end - System.nanoTime()));
    }
    if (!clean) {
      log.info(
          "closing {} connections still open at the shutdown deadline on {}",
          connections.size(),
          listener.url());
      if (grpc != null) {
        grpc.shutdownNow();
      }
      connections.close().await(5, TimeUnit.SECONDS);
      if (grpc != null) {
        grpc.awaitTermination(TimeUnit.SECONDS.toNanos(5));
      }
    }
    return clean;
  }

  /** {@link #shutdown} with no grace: everything is closed now. */
  @Override
  public void close() {
    try {
      shutdown(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What one port serves. */
  public static final class Builder {
    private final Listener listener;
    private Consumer<NettyServerBuilder> grpc;
    private HttpRouter router = HttpRouter.builder().build();

    private Builder(Listener listener) {
      this.listener = listener;
    }

    /**
     * Serve gRPC: {@code configure} adds services, interceptors and limits to grpc-java's builder
     * (channel type, event loops and address are the port's and are set after it).
     */
    public Builder grpc(Consumer<NettyServerBuilder> configure) {
      this.grpc = configure;
      return this;
    }

    /** The HTTP handlers (default: none, every path 404). */
    public Builder http(HttpRouter router) {
      this.router = router;
      return this;
    }

    /** Starts gRPC, then accepting on the listener. */
    public PortServer start() throws IOException {
      checkState(!listener.served(), "Already served");
      checkState(
          grpc == null || listener.role() != Listener.Role.CLIENT_HTTP,
          "--listen-client-http-urls serve HTTP only");
      GrpcEndpoint endpoint = grpc == null ? null : GrpcEndpoint.start(listener.loops(), grpc);
      ChannelGroup connections =
          new DefaultChannelGroup("port " + listener.url(), GlobalEventExecutor.INSTANCE);
      listener.serve(
          new PortPipeline(
              listener.role(), listener.tls().orElse(null), endpoint, router, connections));
      return new PortServer(listener, endpoint, connections);
    }
  }
}
