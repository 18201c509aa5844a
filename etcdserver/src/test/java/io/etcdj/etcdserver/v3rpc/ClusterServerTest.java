package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.etcdserver.membership.BackendMembershipStore;
import io.etcdj.etcdserver.membership.MembershipSnapshot;
import io.etcdj.proto.etcdserverpb.Member;
import io.etcdj.proto.etcdserverpb.MemberAddRequest;
import io.etcdj.proto.etcdserverpb.MemberAddResponse;
import io.etcdj.proto.etcdserverpb.MemberListRequest;
import io.etcdj.proto.etcdserverpb.MemberPromoteRequest;
import io.etcdj.proto.etcdserverpb.MemberRemoveRequest;
import io.etcdj.proto.etcdserverpb.MemberRemoveResponse;
import io.etcdj.proto.etcdserverpb.MemberUpdateRequest;
import io.etcdj.proto.etcdserverpb.MemberUpdateResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MemberAdd/Remove/Update/Promote on one member over gRPC on loopback, answered as etcd 3.4.23
 * answers them (checked by hand against the real binary with etcdctl; e2e ctl_v3_member_test.go).
 */
class ClusterServerTest {
  @TempDir Path dir;
  NodeFixture node;

  @AfterEach
  void close() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  NodeFixture start(boolean strict) throws Exception {
    node = new NodeFixture(dir);
    node.start(node.config().strictReconfigCheck(strict).build());
    return node;
  }

  static MemberAddRequest add(String url, boolean learner) {
    return MemberAddRequest.newBuilder().addPeerURLs(url).setIsLearner(learner).build();
  }

  static void assertStatus(Runnable call, Status.Code code, String text) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(text);
            });
  }

  long self() {
    return node.server.memberId();
  }

  @Test
  void addingAVoterToALoneMemberIsAllowedAndAnswersTheNewMembership() throws Exception {
    start(true);
    MemberAddResponse r = node.cluster().memberAdd(add("http://127.0.0.1:1004", false));
    assertThat(r.getMember().getPeerURLsList()).containsExactly("http://127.0.0.1:1004");
    assertThat(r.getMember().getName()).isEmpty();
    assertThat(r.getMembersList()).hasSize(2);
    assertThat(r.getHeader().getClusterId()).isEqualTo(node.server.clusterId());
    assertThat(r.getHeader().getRevision()).isZero();
    List<Member> listed =
        node.cluster().memberList(MemberListRequest.getDefaultInstance()).getMembersList();
    assertThat(listed).extracting(Member::getID).contains(r.getMember().getID(), self());
    // Two voters, one started: the second voter would break quorum (IsReadyToAddVotingMember).
    assertStatus(
        () -> node.cluster().memberAdd(add("http://127.0.0.1:1005", false)),
        Status.Code.UNKNOWN,
        "etcdserver: re-configuration failed due to not enough started members");
    // A learner does not count, but the unstarted voter is not connected.
    assertStatus(
        () -> node.cluster().memberAdd(add("http://127.0.0.1:1006", true)),
        Status.Code.UNAVAILABLE,
        "etcdserver: unhealthy cluster");
  }

  @Test
  void aLearnerIsAddedButNotPromotedBeforeItCatchesUpAndOnlyOneIsAllowed() throws Exception {
    start(true);
    MemberAddResponse r = node.cluster().memberAdd(add("http://127.0.0.1:1001", true));
    assertThat(r.getMember().getIsLearner()).isTrue();
    long learner = r.getMember().getID();
    assertStatus(
        () -> node.cluster().memberAdd(add("http://127.0.0.1:1002", true)),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: too many learner members in cluster");
    assertStatus(
        () ->
            node.cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(learner).build()),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: can only promote a learner member which is in sync with leader");
    assertStatus(
        () -> node.cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(self()).build()),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: can only promote a learner member");
    assertStatus(
        () -> node.cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(0x1234).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: member not found");
    // The learner does not count to the quorum: writes still commit.
    node.kv()
        .put(
            PutRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                .build());
  }

  @Test
  void removingAMemberRecordsItAsRemovedForGood() throws Exception {
    start(true);
    long learner = node.cluster().memberAdd(add("http://127.0.0.1:1001", true)).getMember().getID();
    MemberRemoveResponse r =
        node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build());
    assertThat(r.getMembersList()).extracting(Member::getID).containsExactly(self());
    assertStatus(
        () -> node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: member not found");
    assertStatus(
        () ->
            node.cluster()
                .memberUpdate(
                    MemberUpdateRequest.newBuilder()
                        .setID(learner)
                        .addPeerURLs("http://127.0.0.1:1003")
                        .build()),
        Status.Code.NOT_FOUND,
        "etcdserver: member not found");
    assertStatus(
        () -> node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(0x1234).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: member not found");
    MembershipSnapshot backend = BackendMembershipStore.readBackend(node.server.store().backend());
    assertThat(backend.removed()).containsExactly(learner);
    assertThat(backend.members()).containsOnlyKeys(self());
  }

  @Test
  void theLoneVoterMayNotRemoveItselfUnderTheStrictCheck() throws Exception {
    start(true);
    assertStatus(
        () -> node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(self()).build()),
        Status.Code.UNKNOWN,
        "etcdserver: re-configuration failed due to not enough started members");
  }

  @Test
  void withoutTheStrictCheckTheLastVoterRemovingItselfStopsTheMember() throws Exception {
    start(false);
    // etcd 3.4.23 panics in raft ("removed all voters") and exits; the client sees the
    // connection close. Here the member stops and stopNotify carries the panic.
    assertThatThrownBy(
            () ->
                node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(self()).build()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(node.server.stopNotify())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingRootCause()
        .withMessage("removed all voters");
  }

  @Test
  void updateChangesPeerUrlsButRefusesAnotherMembersUrl() throws Exception {
    start(true);
    String other = "http://127.0.0.1:1001";
    node.cluster().memberAdd(add(other, true));
    MemberUpdateResponse r =
        node.cluster()
            .memberUpdate(
                MemberUpdateRequest.newBuilder()
                    .setID(self())
                    .addPeerURLs("http://127.0.0.1:2380")
                    .addPeerURLs("http://127.0.0.2:2380")
                    .build());
    assertThat(r.getMembersList())
        .filteredOn(m -> m.getID() == self())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getPeerURLsList())
                  .containsExactly("http://127.0.0.1:2380", "http://127.0.0.2:2380");
              assertThat(m.getName()).isEqualTo("n1");
            });
    assertStatus(
        () ->
            node.cluster()
                .memberUpdate(
                    MemberUpdateRequest.newBuilder().setID(self()).addPeerURLs(other).build()),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: Peer URLs already exists");
  }

  @Test
  void addRefusesBadAndTakenPeerUrls() throws Exception {
    start(true);
    assertStatus(
        () -> node.cluster().memberAdd(add("ftp://x:1", false)),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: given member URLs are invalid");
    String mine = node.server.cluster().member(self()).orElseThrow().peerUrls().get(0);
    assertStatus(
        () -> node.cluster().memberAdd(add(mine, false)),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: Peer URLs already exists");
  }

  @Test
  void membershipSurvivesRestartFromTheWal() throws Exception {
    start(true);
    long learner = node.cluster().memberAdd(add("http://127.0.0.1:1001", true)).getMember().getID();
    node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build());
    long learner2 =
        node.cluster().memberAdd(add("http://127.0.0.1:1002", true)).getMember().getID();
    node.stopMember();
    node.start(node.config().build());
    assertThat(node.server.cluster().memberIds()).containsExactlyInAnyOrder(self(), learner2);
    assertThat(node.server.cluster().isIdRemoved(learner)).isTrue();
    assertThat(node.server.cluster().member(learner2).orElseThrow().isLearner()).isTrue();
    MembershipSnapshot backend = BackendMembershipStore.readBackend(node.server.store().backend());
    assertThat(backend.members()).containsOnlyKeys(self(), learner2);
    assertThat(backend.removed()).containsExactly(learner);
    assertThat(backend.clusterVersion()).contains("3.4.0");
  }

  @Test
  void membershipSurvivesRestartFromASnapshot() throws Exception {
    start(true);
    long learner = node.cluster().memberAdd(add("http://127.0.0.1:1001", true)).getMember().getID();
    node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build());
    long learner2 =
        node.cluster().memberAdd(add("http://127.0.0.1:1002", true)).getMember().getID();
    node.stopMember();
    // A low snapshot count makes the restarted member snapshot; a second restart reads it back.
    node.start(node.config().snapshotCount(1).build());
    node.kv()
        .put(
            PutRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("a"))
                .build());
    node.kv()
        .put(
            PutRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("b"))
                .build());
    node.stopMember();
    node.start(node.config().build());
    assertThat(node.server.cluster().memberIds()).containsExactlyInAnyOrder(self(), learner2);
    assertThat(node.server.cluster().isIdRemoved(learner)).isTrue();
    assertThat(node.server.cluster().member(self()).orElseThrow().name()).isEqualTo("n1");
    // The removed ID stays refused after the snapshot.
    assertStatus(
        () -> node.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: member not found");
  }
}
