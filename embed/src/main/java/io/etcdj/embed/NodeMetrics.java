package io.etcdj.embed;

import io.etcdj.etcdhttp.metrics.EtcdMetrics;
import io.etcdj.etcdhttp.metrics.GrpcServerMetrics;
import io.etcdj.etcdhttp.metrics.ProcessMetrics;
import io.etcdj.etcdhttp.metrics.ServerSampler;
import io.etcdj.etcdserver.BackendQuota;
import io.etcdj.etcdserver.EtcdServer;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects a node's metrics to what updates them: the server and store (sampled at each scrape),
 * the process, and the gRPC calls (an interceptor, outermost, as etcd chains go-grpc-prometheus'
 * interceptors first).
 *
 * <p>Called once per node while embed builds its services.
 */
final class NodeMetrics {
  private NodeMetrics() {}

  /** Binds {@code metrics} and returns the gRPC interceptors to install, the metrics one added. */
  static List<ServerInterceptor> bind(
      EtcdMetrics metrics,
      EtcdServer server,
      Config cfg,
      List<BindableService> services,
      List<ServerInterceptor> interceptors) {
    long q = cfg.quotaBackendBytes();
    ServerSampler.bind(metrics, server, q < 0 ? 0 : q == 0 ? BackendQuota.DEFAULT_QUOTA_BYTES : q);
    ProcessMetrics.register(metrics);
    GrpcServerMetrics grpc = new GrpcServerMetrics(metrics);
    grpc.preRegister(services.stream().map(BindableService::bindService).toList());
    // ServerInterceptors.intercept runs the last interceptor of the list first
    List<ServerInterceptor> all = new ArrayList<>(interceptors);
    all.add(grpc);
    return List.copyOf(all);
  }
}
