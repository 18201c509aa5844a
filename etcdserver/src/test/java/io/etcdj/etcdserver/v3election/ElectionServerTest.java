package io.etcdj.etcdserver.v3election;

import static io.etcdj.etcdserver.concurrency.SelfNode.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.etcdj.etcdserver.concurrency.SelfNode;
import io.etcdj.proto.v3electionpb.CampaignRequest;
import io.etcdj.proto.v3electionpb.CampaignResponse;
import io.etcdj.proto.v3electionpb.LeaderKey;
import io.etcdj.proto.v3electionpb.LeaderRequest;
import io.etcdj.proto.v3electionpb.LeaderResponse;
import io.etcdj.proto.v3electionpb.ProclaimRequest;
import io.etcdj.proto.v3electionpb.ProclaimResponse;
import io.etcdj.proto.v3electionpb.ResignRequest;
import io.etcdj.proto.v3electionpb.ResignResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Election service over loopback gRPC (etcd's {@code v3election/election.go} and {@code
 * clientv3/concurrency/election.go}; the checks of {@code integration/v3election_grpc_test.go}):
 * campaign order, proclaim, leader, observe and resign, and the error texts.
 */
class ElectionServerTest {
  @TempDir Path dir;
  SelfNode node;

  @BeforeEach
  void start() throws Exception {
    node = new SelfNode(dir);
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  private static CampaignRequest campaignReq(String name, long lease, String value) {
    return CampaignRequest.newBuilder()
        .setName(bs(name))
        .setLease(lease)
        .setValue(bs(value))
        .build();
  }

  private CampaignResponse campaign(String name, long lease, String value) {
    return node.election().campaign(campaignReq(name, lease, value));
  }

  private LeaderResponse leader(String name) {
    return node.election().leader(LeaderRequest.newBuilder().setName(bs(name)).build());
  }

  private ProclaimResponse proclaim(LeaderKey l, String value) {
    return node.election()
        .proclaim(ProclaimRequest.newBuilder().setLeader(l).setValue(bs(value)).build());
  }

  private ResignResponse resign(LeaderKey l) {
    return node.election().resign(ResignRequest.newBuilder().setLeader(l).build());
  }

  private static void failsWith(ThrowingCallable call, String text) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getStatus().getDescription()).isEqualTo(text);
            });
  }

  @Test
  void aCampaignInAnEmptyElectionWinsAtOnce() {
    long lease = node.grant(60);
    CampaignResponse c = campaign("e", lease, "v1");
    LeaderKey l = c.getLeader();
    assertThat(l.getName().toStringUtf8()).isEqualTo("e");
    assertThat(l.getKey().toStringUtf8()).isEqualTo("e/" + Long.toHexString(lease));
    assertThat(l.getLease()).isEqualTo(lease);
    assertThat(l.getRev()).isEqualTo(c.getHeader().getRevision());
    LeaderResponse now = leader("e");
    assertThat(now.getKv().getKey()).isEqualTo(l.getKey());
    assertThat(now.getKv().getValue().toStringUtf8()).isEqualTo("v1");
    assertThat(now.getKv().getLease()).isEqualTo(lease);
  }

  @Test
  void aCampaignWithoutALeaseGetsAFreshOne() {
    CampaignResponse c = campaign("e", 0, "v1");
    assertThat(c.getLeader().getLease()).isNotZero();
    assertThat(node.get(c.getLeader().getKey()).getKvs(0).getLease())
        .isEqualTo(c.getLeader().getLease());
  }

  @Test
  void aSecondCandidateWaitsUntilTheLeaderResigns() throws Exception {
    CampaignResponse first = campaign("e", node.grant(60), "a");
    long lease = node.grant(60);
    ListenableFuture<CampaignResponse> second =
        node.electionAsync().campaign(campaignReq("e", lease, "b"));
    String key = "e/" + Long.toHexString(lease);
    await().until(() -> node.get(bs(key)).getCount() == 1);
    assertThat(second.isDone()).isFalse();
    assertThat(leader("e").getKv().getValue().toStringUtf8()).isEqualTo("a");

    ResignResponse r = resign(first.getLeader());
    assertThat(node.get(first.getLeader().getKey()).getCount()).isZero();
    CampaignResponse won = second.get(10, TimeUnit.SECONDS);
    assertThat(won.getLeader().getKey().toStringUtf8()).isEqualTo(key);
    assertThat(won.getLeader().getRev()).isLessThan(r.getHeader().getRevision());
    assertThat(leader("e").getKv().getValue().toStringUtf8()).isEqualTo("b");
  }

  @Test
  void aSecondCandidateWinsWhenTheLeadersLeaseExpires() throws Exception {
    campaign("x", node.grant(1), "a");
    CampaignResponse won =
        node.electionAsync()
            .campaign(campaignReq("x", node.grant(60), "b"))
            .get(15, TimeUnit.SECONDS);
    assertThat(leader("x").getKv().getKey()).isEqualTo(won.getLeader().getKey());
  }

  @Test
  void aCancelledCampaignResigns() throws Exception {
    campaign("e", node.grant(60), "a");
    long lease = node.grant(60);
    String key = "e/" + Long.toHexString(lease);
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> node.electionAsync().campaign(campaignReq("e", lease, "b")));
    await().until(() -> node.get(bs(key)).getCount() == 1);
    ctx.cancel(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> node.get(bs(key)).getCount() == 0);
  }

  @Test
  void campaigningAgainWithAnotherValueProclaimsIt() {
    long lease = node.grant(60);
    CampaignResponse first = campaign("e", lease, "v1");
    CampaignResponse again = campaign("e", lease, "v2");
    assertThat(again.getLeader()).isEqualTo(first.getLeader());
    assertThat(leader("e").getKv().getValue().toStringUtf8()).isEqualTo("v2");
  }

  @Test
  void proclaimChangesTheLeadersValue() {
    CampaignResponse c = campaign("e", node.grant(60), "v1");
    ProclaimResponse p = proclaim(c.getLeader(), "v2");
    LeaderResponse now = leader("e");
    assertThat(now.getKv().getValue().toStringUtf8()).isEqualTo("v2");
    assertThat(now.getKv().getModRevision()).isEqualTo(p.getHeader().getRevision());
    assertThat(now.getKv().getCreateRevision()).isEqualTo(c.getLeader().getRev());
  }

  @Test
  void proclaimByAFormerLeaderFailsWithNotLeader() {
    CampaignResponse c = campaign("e", node.grant(60), "v1");
    resign(c.getLeader());
    failsWith(() -> proclaim(c.getLeader(), "v2"), "election: not leader");
  }

  @Test
  void resignByAFormerLeaderSucceedsAndDeletesNothing() {
    CampaignResponse old = campaign("e", node.grant(60), "v1");
    resign(old.getLeader());
    CampaignResponse now = campaign("e", node.grant(60), "v2");
    ResignResponse r = resign(old.getLeader());
    assertThat(r.getHeader().getRevision()).isEqualTo(now.getHeader().getRevision());
    assertThat(leader("e").getKv().getKey()).isEqualTo(now.getLeader().getKey());
  }

  @Test
  void leaderOfAnEmptyElectionFailsWithNoLeader() {
    failsWith(() -> leader("nobody"), "election: no leader");
  }

  @Test
  void proclaimAndResignWithoutALeaderKeyFail() {
    failsWith(
        () -> node.election().proclaim(ProclaimRequest.newBuilder().setValue(bs("v")).build()),
        "\"leader\" field must be provided");
    failsWith(
        () -> node.election().resign(ResignRequest.getDefaultInstance()),
        "\"leader\" field must be provided");
  }

  @Test
  void observeStreamsTheLeaderItsValuesAndTheNextLeader() throws Exception {
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(
        () ->
            node.electionStream()
                .observe(
                    LeaderRequest.newBuilder().setName(bs("o")).build(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(LeaderResponse r) {
                        seen.add(r);
                      }

                      @Override
                      public void onError(Throwable t) {
                        seen.add(t);
                      }

                      @Override
                      public void onCompleted() {
                        seen.add("completed");
                      }
                    }));
    // No leader yet: the first candidate to appear is announced at its put's revision.
    CampaignResponse a = campaign("o", node.grant(60), "a1");
    LeaderResponse first = (LeaderResponse) seen.poll(10, TimeUnit.SECONDS);
    assertThat(first.getKv().getValue().toStringUtf8()).isEqualTo("a1");
    assertThat(first.getHeader().getRevision()).isEqualTo(a.getLeader().getRev());

    ProclaimResponse p = proclaim(a.getLeader(), "a2");
    LeaderResponse changed = (LeaderResponse) seen.poll(10, TimeUnit.SECONDS);
    assertThat(changed.getKv().getValue().toStringUtf8()).isEqualTo("a2");
    assertThat(changed.getHeader().getRevision()).isEqualTo(p.getHeader().getRevision());

    ListenableFuture<CampaignResponse> b =
        node.electionAsync().campaign(campaignReq("o", node.grant(60), "b1"));
    await().until(() -> node.getPrefix(bs("o/")).getCount() == 2);
    resign(a.getLeader());
    CampaignResponse bWon = b.get(10, TimeUnit.SECONDS);
    LeaderResponse next = (LeaderResponse) seen.poll(10, TimeUnit.SECONDS);
    assertThat(next.getKv().getKey()).isEqualTo(bWon.getLeader().getKey());
    assertThat(next.getKv().getValue().toStringUtf8()).isEqualTo("b1");
    assertThat(seen).isEmpty();
    ctx.cancel(null);
  }
}
