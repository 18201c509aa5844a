package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The v3 gRPC services of one member ({@code v3rpc/grpc.go} {@code Server}), for the embed author
 * to add to a gRPC server: {@code builder.addService(s)} for each of {@link #services}, and {@link
 * #interceptors} with {@code ServerInterceptors.intercept} (none yet: auth and metrics bring them).
 *
 * <p>{@code storeExecutor} runs every store read, renewal and reply; it must not be a Netty event
 * loop. The services are stateless apart from per-stream state and may be shared by several gRPC
 * servers (client and peer ports).
 */
public final class V3Rpc {
  private V3Rpc() {}

  /** KV, Watch, Lease, Cluster, Maintenance and Auth, bound to {@code server}. */
  public static List<BindableService> services(EtcdServer server, Executor storeExecutor) {
    return List.of(
        new KvServer(server, storeExecutor),
        new WatchServer(server, storeExecutor),
        new LeaseServer(server, storeExecutor),
        new ClusterServer(server),
        new MaintenanceServer(server, storeExecutor),
        new AuthServer(server, storeExecutor));
  }

  /**
   * Interceptors to install around the services: the auth token of each call ({@link AuthContext},
   * which also refuses admin-only maintenance calls to non-root users).
   */
  public static List<ServerInterceptor> interceptors(EtcdServer server) {
    return List.of(new AuthContext(server.store().auth()));
  }
}
