package io.etcdj.etcdhttp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * go-grpc-prometheus' series as etcd exports them (e2e TestV3MetricsSecure/Insecure count {@code
 * grpc_server_handled_total{grpc_code="Canceled",...,grpc_type="bidi_stream"}} for watches the
 * client closed).
 */
class GrpcServerMetricsTest {
  private final MetricRegistry registry = new MetricRegistry();
  private final EtcdMetrics metrics = new EtcdMetrics(registry, "3.4.23", 1);
  private final CountDownLatch watchCancelled = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    List<BindableService> services =
        List.of(
            new KVGrpc.KVImplBase() {
              @Override
              public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
                if (req.getKey().isEmpty()) {
                  out.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                  return;
                }
                out.onNext(RangeResponse.getDefaultInstance());
                out.onCompleted();
              }
            },
            new WatchGrpc.WatchImplBase() {
              @Override
              public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
                ((io.grpc.stub.ServerCallStreamObserver<WatchResponse>) out)
                    .setOnCancelHandler(watchCancelled::countDown);
                return new StreamObserver<>() {
                  @Override
                  public void onNext(WatchRequest r) {
                    out.onNext(WatchResponse.newBuilder().setCreated(true).build());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                };
              }
            });
    GrpcServerMetrics grpc = new GrpcServerMetrics(metrics);
    grpc.preRegister(services.stream().map(BindableService::bindService).toList());
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
    services.forEach(s -> b.addService(ServerInterceptors.intercept(s, grpc)));
    server = b.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private String text() {
    return new PrometheusText(metrics.help()).write(registry);
  }

  @Test
  void everyMethodAndCodeIsExportedAtZeroBeforeAnyCall() {
    assertThat(text())
        .contains(
            "grpc_server_started_total{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\","
                + "grpc_type=\"unary\"} 0\n")
        .contains(
            "grpc_server_handled_total{grpc_code=\"Unauthenticated\",grpc_method=\"Watch\","
                + "grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"} 0\n")
        .contains("# TYPE grpc_server_msg_sent_total counter\n");
  }

  @Test
  void unaryCallsCountByGoCodeName() {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
    kv.range(
        RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("k")).build());
    try {
      kv.range(RangeRequest.getDefaultInstance());
    } catch (RuntimeException expected) {
      // InvalidArgument
    }
    assertThat(text())
        .contains(
            "grpc_server_started_total{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\","
                + "grpc_type=\"unary\"} 2\n")
        .contains(
            "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\","
                + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 1\n")
        .contains(
            "grpc_server_handled_total{grpc_code=\"InvalidArgument\",grpc_method=\"Range\","
                + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 1\n")
        .contains(
            "grpc_server_msg_received_total{grpc_method=\"Range\","
                + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 2\n");
  }

  @Test
  void aWatchTheClientCancelsIsHandledCanceled() throws Exception {
    CountDownLatch created = new CountDownLatch(1);
    ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
    StreamObserver<WatchRequest> req =
        WatchGrpc.newStub(channel)
            .watch(
                new ClientResponseObserver<WatchRequest, WatchResponse>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<WatchRequest> s) {
                    call[0] = s;
                  }

                  @Override
                  public void onNext(WatchResponse r) {
                    created.countDown();
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    req.onNext(WatchRequest.getDefaultInstance());
    assertThat(created.await(5, TimeUnit.SECONDS)).isTrue();
    call[0].cancel("etcdctl exits", null);
    assertThat(watchCancelled.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(text())
        .contains(
            "grpc_server_handled_total{grpc_code=\"Canceled\",grpc_method=\"Watch\","
                + "grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"} 1\n")
        .contains(
            "grpc_server_msg_sent_total{grpc_method=\"Watch\","
                + "grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"} 1\n");
  }
}
