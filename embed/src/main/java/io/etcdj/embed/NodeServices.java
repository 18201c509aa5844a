package io.etcdj.embed;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.v3rpc.V3Rpc;
import io.etcdj.transport.http.HttpRouter;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What one member serves on its ports: the v3 gRPC services (shared by the client and peer ports,
 * as etcd registers the same services on both) with etcd's server options, and the HTTP routers of
 * the client, peer and metrics ports.
 */
final class NodeServices {
  /** etcd's {@code grpcOverheadBytes}: room for gRPC framing above {@code --max-request-bytes}. */
  static final long GRPC_OVERHEAD_BYTES = 512 * 1024;

  private final Config cfg;
  private final List<BindableService> services;
  private final List<ServerInterceptor> interceptors;

  NodeServices(Config cfg, EtcdServer server, Executor storeExecutor) {
    this.cfg = cfg;
    this.services = V3Rpc.services(server, storeExecutor);
    this.interceptors = V3Rpc.interceptors();
  }

  /** v3rpc.Server's options, plus embed's keepalive policy. */
  void addGrpc(NettyServerBuilder b) {
    for (BindableService s : services) {
      b.addService(ServerInterceptors.intercept(s, interceptors));
    }
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

  HttpRouter peerRouter() {
    return HttpRouter.builder().build();
  }

  HttpRouter clientRouter() {
    return HttpRouter.builder().defaultMaxRequestBytes(cfg.maxRequestBytes()).build();
  }

  HttpRouter metricsRouter() {
    return HttpRouter.builder().build();
  }
}
