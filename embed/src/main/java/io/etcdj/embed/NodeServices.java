package io.etcdj.embed;

import com.codahale.metrics.MetricRegistry;
import io.etcdj.etcdhttp.ClientAccessController;
import io.etcdj.etcdhttp.ClientHandlers;
import io.etcdj.etcdhttp.PeerHandlers;
import io.etcdj.etcdhttp.Route;
import io.etcdj.etcdhttp.gateway.GrpcGateway;
import io.etcdj.etcdhttp.metrics.EtcdMetrics;
import io.etcdj.etcdhttp.metrics.MetricsHandler;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.v3rpc.V3Rpc;
import io.etcdj.transport.http.HttpRouter;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one member serves on its ports: the v3 gRPC services (shared by the client and peer ports,
 * as etcd registers the same services on both) with etcd's server options, and the HTTP routers of
 * the client, peer and metrics ports.
 */
final class NodeServices implements AutoCloseable {
  /** etcd's {@code grpcOverheadBytes}: room for gRPC framing above {@code --max-request-bytes}. */
  static final long GRPC_OVERHEAD_BYTES = 512 * 1024;

  /** A gateway body may be this many times the gRPC message limit (see {@link #clientRouter}). */
  static final long GATEWAY_BODY_FACTOR = 4;

  private static final AtomicLong NAMES = new AtomicLong(); // unique in-process names only

  private final Config cfg;
  private final ScheduledExecutorService scheduler;
  private final List<BindableService> services;
  private final List<ServerInterceptor> interceptors;
  private final ServerViews views;
  private final EtcdMetrics metrics;
  private final MetricsHandler metricsHandler;
  private final ClientHandlers clientHandlers;
  private final PeerHandlers peerHandlers;
  private final Server selfServer;
  private final ManagedChannel selfChannel;
  private final GrpcGateway gateway;

  NodeServices(
      Config cfg, EtcdServer server, Executor storeExecutor, ScheduledExecutorService scheduler)
      throws IOException {
    this.cfg = cfg;
    this.scheduler = scheduler;
    // Lock and Election run over a client of the member's own services (etcd's v3client), here an
    // in-process channel; the gateway calls the services through it too, as etcd's dials its port.
    String name =
        "etcdj-self-" + Long.toHexString(server.memberId()) + "-" + NAMES.incrementAndGet();
    this.selfChannel = InProcessChannelBuilder.forName(name).executor(storeExecutor).build();
    List<BindableService> all = new ArrayList<>(V3Rpc.services(server, storeExecutor));
    all.addAll(V3Rpc.concurrencyServices(selfChannel));
    this.services = List.copyOf(all);
    this.views = new ServerViews(server);
    this.metrics =
        new EtcdMetrics(new MetricRegistry(), EtcdServer.SERVER_VERSION, server.memberId());
    this.interceptors =
        NodeMetrics.bind(metrics, server, cfg, services, V3Rpc.interceptors(server));
    this.metricsHandler = new MetricsHandler(metrics);
    PeerViews peer = new PeerViews(server, storeExecutor, scheduler);
    this.peerHandlers =
        new PeerHandlers(EtcdServer.SERVER_VERSION, views, peer, peer, peer, scheduler, null);
    this.clientHandlers =
        new ClientHandlers(
            EtcdServer.SERVER_VERSION,
            views,
            views,
            scheduler,
            metrics.healthSuccess,
            metrics.healthFailures);
    InProcessServerBuilder b = InProcessServerBuilder.forName(name).executor(storeExecutor);
    services.forEach(s -> b.addService(ServerInterceptors.intercept(s, interceptors)));
    b.maxInboundMessageSize(Math.toIntExact(cfg.maxRequestBytes() + GRPC_OVERHEAD_BYTES));
    selfServer = b.build().start();
    gateway =
        cfg.enableGrpcGateway() ? new GrpcGateway(selfChannel, cfg.maxConcurrentStreams()) : null;
  }

  /** v3rpc.Server's options, plus embed's keepalive policy. */
  void addGrpc(NettyServerBuilder b) {
    for (BindableService s : services) {
      b.addService(ServerInterceptors.intercept(s, interceptors));
    }
    b.fallbackHandlerRegistry(V3Rpc.unknownMethods(services));
    b.maxInboundMessageSize(Math.toIntExact(cfg.maxRequestBytes() + GRPC_OVERHEAD_BYTES));
    b.maxConcurrentCallsPerConnection(
        (int) Math.min(cfg.maxConcurrentStreams(), Integer.MAX_VALUE));
    Duration minTime = cfg.grpcKeepAliveMinTime();
    if (minTime.compareTo(Duration.ZERO) > 0) {
      b.permitKeepAliveTime(minTime.toNanos(), TimeUnit.NANOSECONDS)
          .permitKeepAliveWithoutCalls(false);
    }
    Duration interval = cfg.grpcKeepAliveInterval();
    if (interval.compareTo(Duration.ZERO) > 0) {
      b.keepAliveTime(interval.toNanos(), TimeUnit.NANOSECONDS);
    }
    Duration timeout = cfg.grpcKeepAliveTimeout();
    if (timeout.compareTo(Duration.ZERO) > 0) {
      b.keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The peer port's HTTP side: /members, /members/promote/, /members/hashkv, /leases,
   * /leases/internal, /version, and /raft answering as a lone member until rafthttp exists.
   */
  HttpRouter peerRouter() {
    return HttpAdapter.router(peerHandlers.routes(), cfg.maxRequestBytes(), h -> h);
  }

  /**
   * etcd's client mux: /version, /health, /livez, /readyz, /metrics and the gateway. etcd's gateway
   * reads a body whole, with no limit of its own, and the gRPC call it makes is what meets {@code
   * --max-request-bytes} ({@code etcdserver: request is too large}); so the gateway's routes take
   * bodies up to {@link #GATEWAY_BODY_FACTOR} times the gRPC limit (JSON and base64 are larger than
   * the message), and only beyond that answer 413 where etcd would still read.
   */
  HttpRouter clientRouter(boolean tls) {
    List<Route> routes = new ArrayList<>(clientHandlers.routes());
    routes.add(metricsHandler.route());
    List<Route> gatewayRoutes = gateway == null ? List.of() : gateway.routes();
    routes.addAll(gatewayRoutes);
    long gatewayLimit = GATEWAY_BODY_FACTOR * (cfg.maxRequestBytes() + GRPC_OVERHEAD_BYTES);
    return HttpAdapter.router(
        routes,
        r -> gatewayRoutes.contains(r) ? gatewayLimit : cfg.maxRequestBytes(),
        h -> new ClientAccessController(cfg.hostWhitelist(), cfg.cors(), tls, h));
  }

  /** {@code --listen-metrics-urls}: /metrics and /health only. */
  HttpRouter metricsRouter() {
    Route health =
        ClientHandlers.health(
            views, views, scheduler, metrics.healthSuccess, metrics.healthFailures);
    return HttpAdapter.router(
        List.of(metricsHandler.route(), health), cfg.maxRequestBytes(), h -> h);
  }

  @Override
  public void close() {
    selfChannel.shutdownNow();
    selfServer.shutdownNow();
  }
}
