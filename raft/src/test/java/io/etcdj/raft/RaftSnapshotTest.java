package io.etcdj.raft;

import static io.etcdj.raft.MemoryStorageTest.snap;
import static io.etcdj.raft.RaftTestUtil.entry;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.newTestLearnerRaft;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Snapshot sending, restoring and failure reporting (etcd {@code raft_snap_test.go} and the {@code
 * TestRestore*} / {@code TestProvideSnap} tests).
 */
class RaftSnapshotTest {

  private static final Snapshot TESTING_SNAP =
      snap(11, 11, ConfState.newBuilder().addVoters(1).addVoters(2).build());

  private static Raft leaderWithSnapshot() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    assertThat(r.restore(TESTING_SNAP)).isTrue();
    r.becomeCandidate();
    r.becomeLeader();
    return r;
  }

  /** TestSendingSnapshotSetPendingSnapshot. */
  @Test
  void rejectionBelowFirstIndexSendsSnapshotAndSetsPending() {
    Raft r = leaderWithSnapshot();
    Progress p = r.prs.progress.get(2L);
    p.next = r.raftLog.firstIndex();
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgAppResp)
            .setIndex(p.next - 1)
            .setReject(true)
            .setTerm(r.term)
            .build());
    assertThat(p.pendingSnapshot).isEqualTo(11);
    assertThat(p.state).isEqualTo(ProgressState.StateSnapshot);
  }

  /** TestProvideSnap. */
  @Test
  void followerBehindFirstIndexGetsSnapshot() {
    Raft r = leaderWithSnapshot();
    readMessages(r);
    Progress p = r.prs.progress.get(2L);
    p.next = r.raftLog.firstIndex();
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgAppResp)
            .setIndex(p.next - 1)
            .setReject(true)
            .setTerm(r.term)
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgSnap);
    assertThat(msgs.get(0).getSnapshot()).isEqualTo(TESTING_SNAP);
  }

  /** TestIgnoreProvidingSnap: inactive followers get no snapshot. */
  @Test
  void inactiveFollowerGetsNoSnapshot() {
    Raft r = leaderWithSnapshot();
    readMessages(r);
    Progress p = r.prs.progress.get(2L);
    p.next = r.raftLog.firstIndex() - 1;
    p.recentActive = false;
    step(r, prop());
    assertThat(readMessages(r)).isEmpty();
  }

  private static Message prop() {
    return Message.newBuilder()
        .setFrom(1)
        .setTo(1)
        .setType(MessageType.MsgProp)
        .addEntries(Entry.newBuilder().setData(RaftTestUtil.bytes("somedata")))
        .build();
  }

  /** TestPendingSnapshotPauseReplication. */
  @Test
  void pendingSnapshotPausesReplication() {
    Raft r = leaderWithSnapshot();
    readMessages(r);
    r.prs.progress.get(2L).becomeSnapshot(11);
    step(r, prop());
    assertThat(readMessages(r)).isEmpty();
  }

  /** TestSnapshotFailure. */
  @Test
  void snapshotFailureResetsToProbeAndPauses() {
    Raft r = leaderWithSnapshot();
    Progress p = r.prs.progress.get(2L);
    p.next = 1;
    p.becomeSnapshot(11);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgSnapStatus)
            .setReject(true)
            .build());
    assertThat(p.pendingSnapshot).isZero();
    assertThat(p.next).isEqualTo(1);
    assertThat(p.probeSent).isTrue();
    assertThat(p.state).isEqualTo(ProgressState.StateProbe);
  }

  /** TestSnapshotSucceed. */
  @Test
  void snapshotSuccessResumesAfterSnapshot() {
    Raft r = leaderWithSnapshot();
    Progress p = r.prs.progress.get(2L);
    p.next = 1;
    p.becomeSnapshot(11);
    step(r, Message.newBuilder().setFrom(2).setTo(1).setType(MessageType.MsgSnapStatus).build());
    assertThat(p.pendingSnapshot).isZero();
    assertThat(p.next).isEqualTo(12);
    assertThat(p.probeSent).isTrue();
  }

  /** TestSnapshotAbort: an append acknowledgement past the snapshot ends snapshot state. */
  @Test
  void appendAckPastSnapshotAbortsSnapshotState() {
    Raft r = leaderWithSnapshot();
    Progress p = r.prs.progress.get(2L);
    p.next = 1;
    p.becomeSnapshot(11);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgAppResp)
            .setIndex(11)
            .setTerm(r.term)
            .build());
    assertThat(p.pendingSnapshot).isZero();
    assertThat(p.state).isEqualTo(ProgressState.StateReplicate);
    // The leader's empty entry at 12 was sent right away.
    assertThat(p.next).isEqualTo(13);
    assertThat(p.inflights.count()).isEqualTo(1);
  }

  /** TestRestore. */
  @Test
  void followerRestoresSnapshot() throws Exception {
    Snapshot s =
        snap(11, 11, ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build());
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    assertThat(r.restore(s)).isTrue();
    assertThat(r.raftLog.lastIndex()).isEqualTo(11);
    assertThat(r.raftLog.term(11)).isEqualTo(11);
    assertThat(r.prs.voterNodes()).containsExactly(1L, 2L, 3L);
    assertThat(r.restore(s)).isFalse();
  }

  /** TestRestoreWithLearner, TestLearnerReceiveSnapshot. */
  @Test
  void learnerRestoresSnapshotAndStaysLearner() {
    Snapshot s =
        snap(11, 11, ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3).build());
    Raft r = newTestLearnerRaft(3, ids(1, 2), ids(3), 8, 2, new MemoryStorage());
    assertThat(r.restore(s)).isTrue();
    assertThat(r.isLearner).isTrue();
    assertThat(r.prs.learnerNodes()).containsExactly(3L);
    assertThat(r.prs.voterNodes()).containsExactly(1L, 2L);
  }

  /** TestRestoreVoterToLearner, TestRestoreLearnerPromotion. */
  @Test
  void snapshotCanDemoteOrPromoteSelf() {
    Snapshot demote =
        snap(11, 11, ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3).build());
    Raft r = newTestRaft(3, ids(1, 2, 3), 10, 1);
    assertThat(r.isLearner).isFalse();
    assertThat(r.restore(demote)).isTrue();
    assertThat(r.isLearner).isTrue();

    Snapshot promote =
        snap(11, 11, ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build());
    Raft l = newTestLearnerRaft(3, ids(1, 2), ids(3), 10, 1, new MemoryStorage());
    assertThat(l.restore(promote)).isTrue();
    assertThat(l.isLearner).isFalse();
  }

  /** TestRestoreIgnoreSnapshot: a snapshot we already have only fast-forwards the commit. */
  @Test
  void snapshotAtMatchingEntryOnlyMovesCommit() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(1, 1), entry(1, 2), entry(1, 3)));
    Raft r = newTestRaft(1, ids(1, 2), 10, 1, s);
    r.raftLog.commitTo(1);
    Snapshot snap = snap(1, 1, ConfState.newBuilder().addVoters(1).addVoters(2).build());
    assertThat(r.restore(snap)).isFalse();
    assertThat(r.raftLog.committed).isEqualTo(1);
    Snapshot snap2 = snap(2, 1, ConfState.newBuilder().addVoters(1).addVoters(2).build());
    assertThat(r.restore(snap2)).isFalse();
    assertThat(r.raftLog.committed).isEqualTo(2);
  }

  /** A snapshot that does not contain us is ignored. */
  @Test
  void snapshotWithoutSelfIsIgnored() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    Snapshot s = snap(11, 11, ConfState.newBuilder().addVoters(2).build());
    assertThat(r.restore(s)).isFalse();
    assertThat(r.raftLog.lastIndex()).isZero();
  }

  /** TestRestoreFromSnapMsg. */
  @Test
  void followerRestoresFromSnapMessage() {
    Raft r = newTestRaft(2, ids(1, 2), 10, 1);
    step(
        r,
        Message.newBuilder()
            .setFrom(1)
            .setTo(2)
            .setType(MessageType.MsgSnap)
            .setTerm(2)
            .setSnapshot(TESTING_SNAP)
            .build());
    assertThat(r.lead).isEqualTo(1);
    assertThat(r.raftLog.committed).isEqualTo(11);
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgAppResp);
    assertThat(msgs.get(0).getIndex()).isEqualTo(11);
  }

  /** TestSlowNodeRestore: a node that missed compacted entries catches up via snapshot. */
  @Test
  void slowNodeCatchesUpThroughSnapshot() throws Exception {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    n.isolate(3);
    for (int j = 0; j <= 100; j++) {
      n.send(prop());
    }
    Raft lead = n.peer(1);
    MemoryStorage ls = n.storage.get(1L);
    RaftTestUtil.nextEnts(lead, ls);
    ls.createSnapshot(lead.raftLog.applied, lead.prs.confState(), (byte[]) null);
    ls.compact(lead.raftLog.applied);
    n.recover();
    // Heartbeats until the leader learns 3 is active, then the snapshot goes out.
    while (true) {
      n.send(RaftTestUtil.beat(1));
      if (lead.prs.progress.get(3L).recentActive) {
        break;
      }
    }
    n.send(RaftTestUtil.beat(1));
    // The transport would report the snapshot as applied.
    step(lead, msg(3, 1, MessageType.MsgSnapStatus));
    n.send(prop());
    Raft follower = n.peer(3);
    assertThat(follower.raftLog.committed).isEqualTo(lead.raftLog.committed);
  }
}
