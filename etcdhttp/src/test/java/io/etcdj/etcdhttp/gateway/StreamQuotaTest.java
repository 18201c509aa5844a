package io.etcdj.etcdhttp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's stream quota behaves as grpc-go's client on a connection whose server set {@code
 * MAX_CONCURRENT_STREAMS} (e2e TestV3Curl_MaxStreams_ReachLimit_*): calls over the limit wait, in
 * order, and run when a stream ends.
 */
class StreamQuotaTest {
  /** Range calls the server holds open, in arrival order; answered by {@link #answer}. */
  private final List<StreamObserver<RangeResponse>> held = new CopyOnWriteArrayList<>();

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new KVGrpc.KVImplBase() {
                  @Override
                  public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
                    seen.add(req.getKey().toStringUtf8());
                    held.add(out);
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static ListenableFuture<RangeResponse> range(Channel ch, String key) {
    return ClientCalls.futureUnaryCall(
        ch.newCall(KVGrpc.getRangeMethod(), CallOptions.DEFAULT),
        RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8(key)).build());
  }

  private void answer(int i) {
    held.get(i).onNext(RangeResponse.newBuilder().setCount(i).build());
    held.get(i).onCompleted();
  }

  @Test
  void aCallOverTheLimitWaitsUntilAStreamEnds() throws Exception {
    StreamQuota quota = new StreamQuota(2);
    Channel ch = ClientInterceptors.intercept(channel, quota);
    ListenableFuture<RangeResponse> a = range(ch, "a");
    ListenableFuture<RangeResponse> b = range(ch, "b");
    ListenableFuture<RangeResponse> c = range(ch, "c");
    ListenableFuture<RangeResponse> d = range(ch, "d");
    assertThat(seen).containsExactly("a", "b");
    assertThat(quota.running()).isEqualTo(2);
    assertThat(quota.waiting()).isEqualTo(2);
    assertThat(c.isDone()).isFalse();

    answer(1);
    assertThat(b.get(5, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    assertThat(seen).containsExactly("a", "b", "c");
    answer(0);
    answer(2);
    answer(3);
    assertThat(a.get(5, TimeUnit.SECONDS).getCount()).isZero();
    assertThat(c.get(5, TimeUnit.SECONDS).getCount()).isEqualTo(2);
    assertThat(d.get(5, TimeUnit.SECONDS).getCount()).isEqualTo(3);
    assertThat(quota.running()).isZero();
    assertThat(quota.waiting()).isZero();
  }

  @Test
  void aWaitingCallThatIsCancelledNeverRunsAndHoldsNoStream() throws Exception {
    StreamQuota quota = new StreamQuota(1);
    Channel ch = ClientInterceptors.intercept(channel, quota);
    ListenableFuture<RangeResponse> a = range(ch, "a");
    ListenableFuture<RangeResponse> b = range(ch, "b");
    b.cancel(true);
    assertThatThrownBy(b::get).isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(quota.waiting()).isZero();

    ListenableFuture<RangeResponse> c = range(ch, "c");
    answer(0);
    a.get(5, TimeUnit.SECONDS);
    answer(1);
    c.get(5, TimeUnit.SECONDS);
    assertThat(seen).containsExactly("a", "c");
    assertThat(quota.running()).isZero();
  }

  @Test
  void aFailedCallGivesItsStreamBack() throws Exception {
    StreamQuota quota = new StreamQuota(1);
    Channel ch = ClientInterceptors.intercept(channel, quota);
    ListenableFuture<RangeResponse> a = range(ch, "a");
    ListenableFuture<RangeResponse> b = range(ch, "b");
    held.get(0).onError(Status.UNAVAILABLE.asRuntimeException());
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StatusRuntimeException.class);
    assertThat(seen).containsExactly("a", "b");
    answer(1);
    b.get(5, TimeUnit.SECONDS);
    assertThat(quota.running()).isZero();
  }

  @Test
  void zeroIsNoLimitAsInGrpcGo() {
    StreamQuota quota = new StreamQuota(0);
    Channel ch = ClientInterceptors.intercept(channel, quota);
    for (int i = 0; i < 100; i++) {
      range(ch, "k" + i);
    }
    assertThat(seen).hasSize(100);
    assertThat(quota.waiting()).isZero();
  }
}
