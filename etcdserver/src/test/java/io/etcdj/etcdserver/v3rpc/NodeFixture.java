package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.proto.etcdserverpb.ClusterGrpc;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One in-process member behind a grpc-java server on an ephemeral loopback port, and a channel to
 * it. Fast ticks (10 ms) so the election and request timeouts stay short.
 */
final class NodeFixture implements AutoCloseable {
  final Path dir;
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  final ExecutorService storeExecutor = Executors.newFixedThreadPool(4);
  EtcdServer server;
  Server grpc;
  ManagedChannel channel;

  NodeFixture(Path dir) {
    this.dir = dir;
  }

  EtcdServerConfig.Builder config() {
    return EtcdServerConfig.builder("n1", dir, scheduler).tickMs(10).electionTicks(10);
  }

  NodeFixture start() throws Exception {
    return start(config().build());
  }

  NodeFixture start(EtcdServerConfig cfg) throws Exception {
    server = EtcdServer.start(cfg);
    server.readyFuture().get(10, TimeUnit.SECONDS);
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    for (BindableService s : V3Rpc.services(server, storeExecutor)) {
      b.addService(io.grpc.ServerInterceptors.intercept(s, V3Rpc.interceptors(server)));
    }
    grpc = b.build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getPort()).usePlaintext().build();
    return this;
  }

  /** Stops the member and its gRPC server but keeps the data dir and executors. */
  void stopMember() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  LeaseGrpc.LeaseStub leaseAsync() {
    return LeaseGrpc.newStub(channel);
  }

  WatchGrpc.WatchStub watch() {
    return WatchGrpc.newStub(channel);
  }

  io.etcdj.proto.etcdserverpb.AuthGrpc.AuthBlockingStub auth() {
    return io.etcdj.proto.etcdserverpb.AuthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  ClusterGrpc.ClusterBlockingStub cluster() {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      stopMember();
    }
    scheduler.shutdownNow();
    storeExecutor.shutdownNow();
  }
}
