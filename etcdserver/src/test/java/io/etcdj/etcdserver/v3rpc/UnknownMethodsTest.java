package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** grpc-go's refusal of unknown services and methods (etcd 3.4.23 answers with these texts). */
class UnknownMethodsTest {
  private static final List<BindableService> SERVICES =
      List.of(new KVGrpc.KVImplBase() {}, new WatchGrpc.WatchImplBase() {});

  @Test
  void describesUnknownServicesAndMethodsAsGrpcGo() {
    UnknownMethods u = new UnknownMethods(SERVICES);
    assertThat(u.describe("etcdserverpb.KV/Nope"))
        .isEqualTo("unknown method Nope for service etcdserverpb.KV");
    assertThat(u.describe("etcdserverpb.Auth/AuthEnable"))
        .isEqualTo("unknown service etcdserverpb.Auth");
    assertThat(u.describe("nope")).isEqualTo("malformed method name: \"nope\"");
  }

  @Test
  void aCallToAnUnknownMethodIsUnimplementedWithGrpcGosText() throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .fallbackHandlerRegistry(V3Rpc.unknownMethods(SERVICES))
            .build()
            .start();
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      // the registry knows the KV service by name, but this server serves none of its methods
      assertThatThrownBy(() -> KVGrpc.newBlockingStub(ch).range(RangeRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo("unknown method Range for service etcdserverpb.KV");
              });
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
