package io.etcdj.embed.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EtcdjExtension} on a static field: one member shared by the tests of the class. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdjExtensionTest {
  @RegisterExtension static EtcdjExtension etcd = EtcdjExtension.builder().build();

  private static URI started;

  @BeforeAll
  static void recordTheMember() {
    started = etcd.clientEndpoint();
  }

  static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static <T> T withKv(EtcdjExtension etcd, Function<KVGrpc.KVBlockingStub, T> f)
      throws InterruptedException {
    ManagedChannel ch = NettyChannelBuilder.forTarget(etcd.clientTarget()).usePlaintext().build();
    try {
      return f.apply(KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS));
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static long put(EtcdjExtension etcd, String k, String v) throws InterruptedException {
    return withKv(
        etcd,
        kv ->
            kv.put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build())
                .getHeader()
                .getRevision());
  }

  static long count(EtcdjExtension etcd, String k) throws InterruptedException {
    return withKv(etcd, kv -> kv.range(RangeRequest.newBuilder().setKey(bs(k)).build()).getCount());
  }

  @Test
  @Order(1)
  void memberListensOnLoopbackWithAnEphemeralPortAndTakesWrites() throws Exception {
    assertThat(etcd.clientEndpoint().getScheme()).isEqualTo("http");
    assertThat(etcd.clientEndpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(etcd.clientEndpoint().getPort()).isPositive();
    assertThat(put(etcd, "shared", "1")).isEqualTo(2);
    assertThat(Files.isDirectory(etcd.dataDir())).isTrue();
  }

  @Test
  @Order(2)
  void nextTestOfTheClassSeesTheSameMember() throws Exception {
    assertThat(count(etcd, "shared")).isEqualTo(1);
  }

  /** A @Nested class inherits the static extension and runs against the same member. */
  @Nested
  class NestedTests {
    @Test
    void nestedClassUsesTheOuterClasssMember() {
      assertThat(etcd.clientEndpoint()).isEqualTo(started);
    }
  }

  @Test
  void gettersOfAStoppedExtensionSayWhy() {
    EtcdjExtension idle = EtcdjExtension.builder().build();
    assertThatThrownBy(idle::clientEndpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the etcdj member is not running (outside a test?)");
  }
}
