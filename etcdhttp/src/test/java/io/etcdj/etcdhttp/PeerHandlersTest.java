package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.EtcdServerException;
import io.etcdj.etcdserver.ServerError;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.leasepb.LeaseInternalRequest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Peer-port handlers; expectations are etcd 3.4.23's answers observed on loopback (§1.8, §1.9). */
class PeerHandlersTest {
  private final FakeServer server = new FakeServer();
  private final ManualScheduler scheduler = new ManualScheduler();
  private volatile CompletableFuture<List<Member>> promoteResult =
      CompletableFuture.failedFuture(MembershipError.ID_NOT_FOUND.exception());
  private volatile CompletableFuture<Void> applied = CompletableFuture.completedFuture(null);
  private final LeaseView leases =
      new LeaseView() {
        @Override
        public CompletableFuture<Void> applyWait() {
          return applied;
        }

        @Override
        public CompletableFuture<Long> renew(long id) {
          return id == 4660
              ? CompletableFuture.completedFuture(100L)
              : CompletableFuture.failedFuture(new LeaseNotFoundException());
        }

        @Override
        public CompletableFuture<LeaseState> lookup(long id) {
          return CompletableFuture.completedFuture(
              id == 4660 ? new LeaseState(99, 100, List.of(ByteString.copyFromUtf8("k"))) : null);
        }
      };
  private final TestRouter router =
      new TestRouter(
          new PeerHandlers(
                  "3.4.23",
                  server,
                  id -> promoteResult,
                  rev ->
                      rev > 10
                          ? CompletableFuture.failedFuture(
                              new IllegalArgumentException(
                                  "mvcc: required revision is a future revision"))
                          : CompletableFuture.completedFuture(
                              new HashKvSource.HashKv((int) 4071776589L, 3, -1)),
                  leases,
                  scheduler.executor,
                  null)
              .routes());

  private HttpResponse.Full call(String method, String path, byte[] body) {
    return (HttpResponse.Full) router.handle(HttpRequest.of(method, path).withBody(body)).join();
  }

  private HttpResponse.Full call(String method, String path) {
    return call(method, path, new byte[0]);
  }

  @Test
  void membersSortedByIdWithClusterIdHeader() {
    server.members =
        List.of(
            new Member(-1L, "n2", List.of("http://127.0.0.1:2"), List.of(), true),
            new Member(
                2619106911418203958L,
                "n1",
                List.of("http://127.0.0.1:59789"),
                List.of("http://127.0.0.1:48817"),
                false));
    HttpResponse.Full r = call("GET", "/members");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers())
        .isEqualTo(
            HttpHeaders.of(
                "X-Etcd-Cluster-Id", "8f5c237c113497f", "Content-Type", "application/json"));
    assertThat(RecordingSink.text(r))
        .isEqualTo(
            "[{\"id\":2619106911418203958,\"peerURLs\":[\"http://127.0.0.1:59789\"],\"name\":\"n1\","
                + "\"clientURLs\":[\"http://127.0.0.1:48817\"]},{\"id\":18446744073709551615,"
                + "\"peerURLs\":[\"http://127.0.0.1:2\"],\"isLearner\":true,\"name\":\"n2\"}]\n");
    HttpResponse.Full post = call("POST", "/members");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().get("Allow")).isEqualTo("GET");
    assertThat(call("GET", "/members/x").status()).isEqualTo(404);
  }

  @Test
  void promoteErrors() {
    HttpResponse.Full bad = call("POST", "/members/promote/abc");
    assertThat(bad.status()).isEqualTo(404);
    assertThat(RecordingSink.text(bad)).isEqualTo("member abc not found in cluster\n");
    assertThat(bad.headers().get("X-Etcd-Cluster-Id")).isEqualTo("8f5c237c113497f");
    HttpResponse.Full missing = call("POST", "/members/promote/123");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(RecordingSink.text(missing)).isEqualTo("membership: ID not found\n");
    promoteResult = CompletableFuture.failedFuture(MembershipError.MEMBER_NOT_LEARNER.exception());
    assertThat(call("POST", "/members/promote/1").status()).isEqualTo(412);
    promoteResult =
        CompletableFuture.failedFuture(new EtcdServerException(ServerError.LEARNER_NOT_READY));
    HttpResponse.Full notReady = call("POST", "/members/promote/1");
    assertThat(RecordingSink.text(notReady))
        .isEqualTo("etcdserver: can only promote a learner member which is in sync with leader\n");
    promoteResult = CompletableFuture.failedFuture(new IllegalStateException("auth"));
    HttpResponse.Full other = call("POST", "/members/promote/1");
    assertThat(other.status()).isEqualTo(500);
    assertThat(RecordingSink.text(other)).isEqualTo("{\"message\":\"Internal Server Error\"}");
    promoteResult = CompletableFuture.completedFuture(List.of());
    assertThat(RecordingSink.text(call("POST", "/members/promote/1"))).isEqualTo("[]\n");
    HttpResponse.Full get = call("GET", "/members/promote/1");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isEqualTo("POST");
  }

  @Test
  void hashKv() {
    HttpResponse.Full r = call("GET", "/members/hashkv", "{\"revision\":0}".getBytes(UTF_8));
    assertThat(RecordingSink.text(r))
        .isEqualTo("{\"header\":{\"revision\":3},\"hash\":4071776589,\"compact_revision\":-1}");
    assertThat(r.headers().get("X-Etcd-Cluster-Id")).isEqualTo("8f5c237c113497f");
    assertThat(RecordingSink.text(call("GET", "/members/hashkv", "zz".getBytes(UTF_8))))
        .isEqualTo("error unmarshalling request\n");
    HttpResponse.Full future = call("GET", "/members/hashkv", "{\"revision\":11}".getBytes(UTF_8));
    assertThat(future.status()).isEqualTo(400);
    assertThat(RecordingSink.text(future))
        .isEqualTo("mvcc: required revision is a future revision\n");
  }

  @Test
  void versionAndRaftStandIn() {
    assertThat(RecordingSink.text(call("GET", "/version")))
        .isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    HttpResponse.Full raft = call("GET", "/raft");
    assertThat(raft.status()).isEqualTo(405);
    assertThat(raft.headers().get("Allow")).isEqualTo("POST");
    assertThat(call("GET", "/nothing").status()).isEqualTo(404);
    assertThat(RecordingSink.text(call("GET", "/livez"))).isEqualTo("404 page not found\n");
  }

  @Test
  void leaseRenewAndTimeToLiveBytes() {
    HttpResponse.Full get = call("GET", "/leases");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isNull();
    HttpResponse.Full renew =
        call(
            "POST",
            "/leases",
            LeaseKeepAliveRequest.newBuilder().setID(4660).build().toByteArray());
    assertThat(renew.headers().get("Content-Type")).isEqualTo("application/protobuf");
    // etcd 3.4.23: 10 b4 24 18 64.
    assertThat(HexFormat.of().formatHex(renew.body())).isEqualTo("10b4241864");
    HttpResponse.Full ttl =
        call(
            "POST",
            "/leases/internal",
            LeaseInternalRequest.newBuilder()
                .setLeaseTimeToLiveRequest(LeaseTimeToLiveRequest.newBuilder().setID(4660))
                .build()
                .toByteArray());
    // etcd 3.4.23: 0a 09 0a 00 10 b4 24 18 63 20 64.
    assertThat(HexFormat.of().formatHex(ttl.body())).isEqualTo("0a090a0010b42418632064");
    HttpResponse.Full garbage = call("POST", "/leases", "xx".getBytes(UTF_8));
    assertThat(garbage.status()).isEqualTo(404);
    assertThat(RecordingSink.text(garbage)).isEqualTo("lease not found\n");
  }

  @Test
  void leaseWaitsForAppliedIndexAtMostOneSecond() {
    applied = new CompletableFuture<>();
    CompletableFuture<HttpResponse> f =
        router.handle(
            HttpRequest.of("POST", "/leases")
                .withBody(LeaseKeepAliveRequest.newBuilder().setID(4660).build().toByteArray()));
    assertThat(f).isNotDone();
    scheduler.runAll();
    HttpResponse.Full r = (HttpResponse.Full) f.join();
    assertThat(r.status()).isEqualTo(408);
    assertThat(RecordingSink.text(r))
        .isEqualTo("waiting for node to catch up its applied index has timed out\n");
  }
}
