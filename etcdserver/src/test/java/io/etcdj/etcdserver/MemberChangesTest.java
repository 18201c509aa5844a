package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.InMemoryMembershipStore;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.RaftCluster;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.raft.ProgressView;
import io.etcdj.raft.SoftState;
import io.etcdj.raft.StateType;
import io.etcdj.raft.Status;
import io.etcdj.raft.tracker.ProgressState;
import io.etcdj.raft.tracker.TrackerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks before a membership change is proposed (etcd server.go mayAddMember, mayRemoveMember,
 * mayPromoteMember, isLearnerReady; server_test.go TestIsActive-style cases), with a fake peer
 * transport.
 */
class MemberChangesTest {
  static final long NOW = 1_000_000_000L;
  static final long A = 1, B = 2, C = 3, L = 4;

  @TempDir Path dir;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutdown() {
    scheduler.shutdownNow();
  }

  static Member started(long id) {
    return new Member(id, "m" + id, List.of("http://m" + id + ":1"), List.of("http://c:1"), false);
  }

  MemberChanges changes(boolean strict, Set<Long> connected, Member... members) {
    RaftCluster c =
        new RaftCluster(new InMemoryMembershipStore(), ClusterVersion.parse("3.4.0"), v -> {});
    c.seed(7, List.of(members));
    c.setIds(A, 7);
    EtcdServerConfig cfg =
        EtcdServerConfig.builder("m1", dir, scheduler)
            .wallClockMillis(() -> NOW)
            .strictReconfigCheck(strict)
            .build();
    PeerActivity peers =
        id -> connected.contains(id) ? OptionalLong.of(NOW - 60_000) : OptionalLong.empty();
    return new MemberChanges(A, c, () -> 42, cfg, peers, () -> null, () -> A);
  }

  static Status leaderStatus(long learnerMatch) {
    ProgressView lead =
        new ProgressView(100, 101, ProgressState.StateReplicate, 0, true, false, false);
    ProgressView learner =
        new ProgressView(
            learnerMatch, learnerMatch + 1, ProgressState.StateProbe, 0, true, false, true);
    return new Status(
        A,
        HardState.getDefaultInstance(),
        new SoftState(A, StateType.StateLeader),
        100,
        0,
        new TrackerConfig(),
        Map.of(A, lead, L, learner));
  }

  @Test
  void aLearnerBelowNinetyPercentOfTheLeadersMatchIsNotReady() {
    assertThatThrownBy(() -> MemberChanges.isLearnerReady(L, leaderStatus(89)))
        .hasMessage("etcdserver: can only promote a learner member which is in sync with leader");
    assertThatCode(() -> MemberChanges.isLearnerReady(L, leaderStatus(90)))
        .doesNotThrowAnyException();
    // An ID raft does not track passes here; the apply-side validation answers it (3.4.23).
    assertThatCode(() -> MemberChanges.isLearnerReady(99, leaderStatus(0)))
        .doesNotThrowAnyException();
  }

  @Test
  void onlyTheLeaderKnowsWhetherALearnerIsReady() {
    Status follower =
        new Status(
            A,
            HardState.getDefaultInstance(),
            new SoftState(B, StateType.StateFollower),
            0,
            0,
            new TrackerConfig(),
            Map.of());
    assertThatThrownBy(() -> MemberChanges.isLearnerReady(L, follower))
        .hasMessage("etcdserver: not leader");
  }

  @Test
  void removingADownMemberIsSafeButRemovingAConnectedOneMayBreakTheActiveQuorum() {
    // Three started voters; only B is connected.
    MemberChanges mc = changes(true, Set.of(B), started(A), started(B), started(C));
    assertThatCode(() -> mc.mayRemoveMember(C)).doesNotThrowAnyException();
    assertThatThrownBy(() -> mc.mayRemoveMember(B)).hasMessage("etcdserver: unhealthy cluster");
    MemberChanges all = changes(true, Set.of(B, C), started(A), started(B), started(C));
    assertThatCode(() -> all.mayRemoveMember(B)).doesNotThrowAnyException();
  }

  @Test
  void addingNeedsEveryVoterConnected() {
    Member added = new Member(9, "", List.of("http://n:1"), List.of(), false);
    MemberChanges some = changes(true, Set.of(B), started(A), started(B), started(C));
    assertThatThrownBy(() -> some.mayAddMember(added)).hasMessage("etcdserver: unhealthy cluster");
    MemberChanges all = changes(true, Set.of(B, C), started(A), started(B), started(C));
    assertThatCode(() -> all.mayAddMember(added)).doesNotThrowAnyException();
  }

  @Test
  void withoutTheStrictCheckNothingIsRefusedUpFront() {
    Member unstarted = new Member(B, "", List.of("http://b:1"), List.of(), false);
    MemberChanges mc = changes(false, Set.of(), started(A), unstarted);
    assertThatCode(
            () -> mc.mayAddMember(new Member(9, "", List.of("http://n:1"), List.of(), false)))
        .doesNotThrowAnyException();
    assertThatCode(() -> mc.mayRemoveMember(A)).doesNotThrowAnyException();
    assertThatCode(() -> mc.mayPromoteMember(L, leaderStatus(100))).doesNotThrowAnyException();
  }

  @Test
  void promotingNeedsAQuorumOfStartedMembersCountingTheLearner() {
    Member unstarted1 = new Member(B, "", List.of("http://b:1"), List.of(), false);
    Member unstarted2 = new Member(C, "", List.of("http://c:1"), List.of(), false);
    MemberChanges mc = changes(true, Set.of(), started(A), unstarted1, unstarted2);
    assertThatThrownBy(() -> mc.mayPromoteMember(L, leaderStatus(100)))
        .hasMessage("etcdserver: re-configuration failed due to not enough started members");
  }
}
