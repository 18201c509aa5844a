package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.concurrency.V3Client;
import io.etcdj.etcdserver.v3election.ElectionServer;
import io.etcdj.etcdserver.v3lock.LockServer;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.HandlerRegistry;
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
        new ClusterServer(server, storeExecutor),
        new MaintenanceServer(server, storeExecutor),
        new AuthServer(server, storeExecutor));
  }

  /**
   * Lock and Election ({@code embed/serve.go}'s {@code v3lock} and {@code v3election} servers),
   * which etcd runs over an in-process client of the member's own services: {@code self} must be a
   * channel to a server carrying {@link #services} (with {@link #interceptors}), e.g. a grpc
   * in-process channel. Add them to every gRPC server next to {@link #services}.
   */
  public static List<BindableService> concurrencyServices(Channel self) {
    V3Client client = new V3Client(self);
    return List.of(new LockServer(client), new ElectionServer(client));
  }

  /**
   * The fallback handler registry for a server that serves {@code services}: unknown services and
   * methods are refused with grpc-go's texts ({@code NettyServerBuilder.fallbackHandlerRegistry}).
   */
  public static HandlerRegistry unknownMethods(List<BindableService> services) {
    return new UnknownMethods(services);
  }

  /**
   * Interceptors to install around the services: the auth token of each call ({@link AuthContext},
   * which also refuses admin-only maintenance calls to non-root users).
   */
  public static List<ServerInterceptor> interceptors(EtcdServer server) {
    return List.of(new AuthContext(server.store().auth()));
  }
}
