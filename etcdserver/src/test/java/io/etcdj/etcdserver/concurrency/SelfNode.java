package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.etcdserver.v3rpc.V3Rpc;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.v3electionpb.ElectionGrpc;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One member wired as embed wires it: the v3 services and Lock/Election on an in-process server the
 * Lock and Election services call back into, and the same services on a loopback gRPC port that the
 * test's client channel uses. Fast ticks (10 ms).
 */
public final class SelfNode implements AutoCloseable {
  public final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  public final ExecutorService storeExecutor = Executors.newFixedThreadPool(4);
  public final EtcdServer server;
  private final Server self;
  private final ManagedChannel selfChannel;
  private final Server grpc;
  public final ManagedChannel channel;

  public SelfNode(Path dir) throws Exception {
    EtcdServerConfig cfg =
        EtcdServerConfig.builder("n1", dir, scheduler).tickMs(10).electionTicks(10).build();
    server = EtcdServer.start(cfg);
    server.readyFuture().get(10, TimeUnit.SECONDS);
    String name = "selfnode-" + System.identityHashCode(this) + "-" + System.nanoTime();
    selfChannel = InProcessChannelBuilder.forName(name).executor(storeExecutor).build();
    List<BindableService> services = new ArrayList<>(V3Rpc.services(server, storeExecutor));
    services.addAll(V3Rpc.concurrencyServices(selfChannel));
    InProcessServerBuilder ib = InProcessServerBuilder.forName(name).executor(storeExecutor);
    services.forEach(ib::addService);
    self = ib.build().start();
    NettyServerBuilder nb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    services.forEach(nb::addService);
    grpc = nb.build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getPort()).usePlaintext().build();
  }

  public static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public LockGrpc.LockBlockingStub lock() {
    return LockGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public LockGrpc.LockFutureStub lockAsync() {
    return LockGrpc.newFutureStub(channel);
  }

  public ElectionGrpc.ElectionBlockingStub election() {
    return ElectionGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ElectionGrpc.ElectionFutureStub electionAsync() {
    return ElectionGrpc.newFutureStub(channel);
  }

  public ElectionGrpc.ElectionStub electionStream() {
    return ElectionGrpc.newStub(channel);
  }

  /** A lease of {@code ttl} seconds, never kept alive. */
  public long grant(long ttl) {
    return LeaseGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build())
        .getID();
  }

  public RangeResponse get(ByteString key) {
    return kv().range(RangeRequest.newBuilder().setKey(key).build());
  }

  /** Every key under {@code prefix}. */
  public RangeResponse getPrefix(ByteString prefix) {
    return kv().range(
            RangeRequest.newBuilder().setKey(prefix).setRangeEnd(Ops.prefixEnd(prefix)).build());
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    selfChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    self.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    scheduler.shutdownNow();
    storeExecutor.shutdownNow();
  }
}
