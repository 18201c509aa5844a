package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.entry;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table-driven single-step behaviours of etcd's {@code raft_test.go}. */
class RaftStepTest {

  private static Message app(long term, long logTerm, long index, long commit, Entry... ents) {
    return Message.newBuilder()
        .setType(MessageType.MsgApp)
        .setFrom(2)
        .setTo(1)
        .setTerm(term)
        .setLogTerm(logTerm)
        .setIndex(index)
        .setCommit(commit)
        .addAllEntries(List.of(ents))
        .build();
  }

  /** TestHandleMsgApp: the three guarantees of AppendEntries (paper §5.3). */
  @Test
  void handleAppendEntriesTable() {
    Object[][] cases = {
      // previous log mismatch / non-existent
      {app(2, 3, 2, 3), 2L, 0L, true},
      {app(2, 3, 3, 3), 2L, 0L, true},
      // append, possibly truncating
      {app(2, 1, 1, 1), 2L, 1L, false},
      {app(2, 0, 0, 1, entry(2, 1)), 1L, 1L, false},
      {app(2, 2, 2, 3, entry(2, 3), entry(2, 4)), 4L, 3L, false},
      {app(2, 2, 2, 4, entry(2, 3)), 3L, 3L, false},
      {app(2, 1, 1, 4, entry(2, 2)), 2L, 2L, false},
      // commit up to the last new entry
      {app(1, 1, 1, 3), 2L, 1L, false},
      {app(1, 1, 1, 3, entry(2, 2)), 2L, 2L, false},
      {app(2, 2, 2, 3), 2L, 2L, false},
      {app(2, 2, 2, 4), 2L, 2L, false},
    };
    for (int i = 0; i < cases.length; i++) {
      Object[] c = cases[i];
      MemoryStorage s = new MemoryStorage();
      s.append(List.of(entry(1, 1), entry(2, 2)));
      Raft r = newTestRaft(1, ids(1), 10, 1, s);
      r.becomeFollower(2, RaftUtil.NONE);
      r.handleAppendEntries((Message) c[0]);
      assertThat(r.raftLog.lastIndex()).as("case %d index", i).isEqualTo(c[1]);
      assertThat(r.raftLog.committed).as("case %d commit", i).isEqualTo(c[2]);
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(1);
      assertThat(msgs.get(0).getReject()).as("case %d reject", i).isEqualTo(c[3]);
    }
  }

  /** TestRecvMsgVote, TestRecvMsgPreVote. */
  @Test
  void voteRequestsAreJudgedByLogAndPriorVote() {
    for (MessageType vt : List.of(MessageType.MsgVote, MessageType.MsgPreVote)) {
      // state, index, logTerm, voteFor, reject
      Object[][] cases = {
        {StateType.StateFollower, 0L, 0L, 0L, true},
        {StateType.StateFollower, 0L, 1L, 0L, true},
        {StateType.StateFollower, 0L, 2L, 0L, true},
        {StateType.StateFollower, 0L, 3L, 0L, false},
        {StateType.StateFollower, 1L, 0L, 0L, true},
        {StateType.StateFollower, 1L, 1L, 0L, true},
        {StateType.StateFollower, 1L, 2L, 0L, true},
        {StateType.StateFollower, 1L, 3L, 0L, false},
        {StateType.StateFollower, 2L, 0L, 0L, true},
        {StateType.StateFollower, 2L, 1L, 0L, true},
        {StateType.StateFollower, 2L, 2L, 0L, false},
        {StateType.StateFollower, 2L, 3L, 0L, false},
        {StateType.StateFollower, 3L, 0L, 0L, true},
        {StateType.StateFollower, 3L, 1L, 0L, true},
        {StateType.StateFollower, 3L, 2L, 0L, false},
        {StateType.StateFollower, 3L, 3L, 0L, false},
        {StateType.StateFollower, 3L, 2L, 2L, false},
        {StateType.StateFollower, 3L, 2L, 1L, true},
        {StateType.StateLeader, 3L, 3L, 1L, true},
        {StateType.StatePreCandidate, 3L, 3L, 1L, true},
        {StateType.StateCandidate, 3L, 3L, 1L, true},
      };
      for (int i = 0; i < cases.length; i++) {
        Object[] c = cases[i];
        MemoryStorage s = new MemoryStorage();
        s.append(List.of(entry(2, 1), entry(2, 2)));
        Raft r = newTestRaft(1, ids(1), 10, 1, s);
        r.state = (StateType) c[0];
        r.vote = (Long) c[3];
        long logTerm = (Long) c[2];
        long term = Math.max(r.raftLog.lastTerm(), logTerm);
        r.term = term;
        step(
            r,
            Message.newBuilder()
                .setType(vt)
                .setTerm(term)
                .setFrom(2)
                .setIndex((Long) c[1])
                .setLogTerm(logTerm)
                .build());
        List<Message> msgs = readMessages(r);
        assertThat(msgs).as("%s case %d", vt, i).hasSize(1);
        assertThat(msgs.get(0).getType()).isEqualTo(RaftUtil.voteRespMsgType(vt));
        assertThat(msgs.get(0).getReject()).as("%s case %d", vt, i).isEqualTo(c[4]);
      }
    }
  }

  /** TestAllServerStepdown. */
  @Test
  void everyRoleStepsDownOnHigherTerm() {
    for (StateType st :
        List.of(
            StateType.StateFollower,
            StateType.StatePreCandidate,
            StateType.StateCandidate,
            StateType.StateLeader)) {
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
      switch (st) {
        case StateFollower -> r.becomeFollower(1, RaftUtil.NONE);
        case StatePreCandidate -> r.becomePreCandidate();
        case StateCandidate -> r.becomeCandidate();
        case StateLeader -> {
          r.becomeCandidate();
          r.becomeLeader();
        }
      }
      long wantIndex = st == StateType.StateLeader ? 1 : 0;
      for (MessageType mt : List.of(MessageType.MsgVote, MessageType.MsgApp)) {
        step(r, Message.newBuilder().setFrom(2).setType(mt).setTerm(3).setLogTerm(3).build());
        assertThat(r.state).isEqualTo(StateType.StateFollower);
        assertThat(r.term).isEqualTo(3);
        assertThat(r.raftLog.lastIndex()).isEqualTo(wantIndex);
        assertThat(r.raftLog.allEntries()).hasSize((int) wantIndex);
        assertThat(r.lead).isEqualTo(mt == MessageType.MsgVote ? RaftUtil.NONE : 2);
      }
    }
  }

  /** TestMsgAppRespWaitReset: an acknowledgement releases a probing follower. */
  @Test
  void appendResponseReleasesWaitingFollower() {
    Raft r = newTestRaft(1, ids(1, 2, 3), 5, 1);
    r.becomeCandidate();
    r.becomeLeader();
    r.bcastAppend();
    readMessages(r);
    step(r, Message.newBuilder().setFrom(2).setType(MessageType.MsgAppResp).setIndex(1).build());
    assertThat(r.raftLog.committed).isEqualTo(1);
    readMessages(r);
    step(
        r,
        Message.newBuilder()
            .setFrom(1)
            .setType(MessageType.MsgProp)
            .addEntries(Entry.getDefaultInstance())
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getTo()).isEqualTo(2);
    assertThat(msgs.get(0).getEntries(0).getIndex()).isEqualTo(2);
    step(r, Message.newBuilder().setFrom(3).setType(MessageType.MsgAppResp).setIndex(1).build());
    msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getTo()).isEqualTo(3);
    assertThat(msgs.get(0).getEntries(0).getIndex()).isEqualTo(2);
  }

  /** TestLeaderIncreaseNext: replicate streams optimistically; probe sends one. */
  @Test
  void leaderAdvancesNextOptimisticallyOnlyWhenReplicating() {
    List<Entry> prev = List.of(entry(1, 1), entry(1, 2), entry(1, 3));
    long[][] cases = {{1, 2, 3 + 3 + 1}, {0, 2, 2}}; // replicate?, next, wantNext
    for (long[] c : cases) {
      Raft r = newTestRaft(1, ids(1, 2), 10, 1);
      r.raftLog.append(prev);
      r.becomeCandidate();
      r.becomeLeader();
      var p = r.prs.progress.get(2L);
      if (c[0] == 1) {
        p.becomeReplicate();
      } else {
        p.becomeProbe();
      }
      p.next = c[1];
      step(r, RaftTestUtil.prop(1, "somedata"));
      // Leader has 3 previous entries, its empty entry and the proposal: last index 5.
      assertThat(p.next).isEqualTo(c[0] == 1 ? 6 : c[2]);
    }
  }

  /** TestRaftFreesReadOnlyMem: acknowledged read requests are forgotten. */
  @Test
  void readOnlyStateIsFreedAfterQuorumAck() {
    Raft r = newTestRaft(1, ids(1, 2), 5, 1);
    r.becomeCandidate();
    r.becomeLeader();
    r.raftLog.commitTo(r.raftLog.lastIndex());
    com.google.protobuf.ByteString ctx = RaftTestUtil.bytes("ctx");
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setType(MessageType.MsgReadIndex)
            .addEntries(Entry.newBuilder().setData(ctx))
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgHeartbeat);
    assertThat(msgs.get(0).getContext()).isEqualTo(ctx);
    assertThat(r.readOnly.lastPendingRequestCtx()).isEqualTo(ctx);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setType(MessageType.MsgHeartbeatResp)
            .setTerm(r.term)
            .setContext(ctx)
            .build());
    assertThat(r.readOnly.lastPendingRequestCtx().isEmpty()).isTrue();
    // The forwarded request is answered to the follower.
    msgs = readMessages(r);
    assertThat(msgs).extracting(Message::getType).contains(MessageType.MsgReadIndexResp);
  }

  /** TestStepIgnoreOldTermMsg. */
  @Test
  void lowerTermMessagesNeverReachRoleHandlers() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    r.term = 2;
    step(r, Message.newBuilder().setFrom(2).setType(MessageType.MsgApp).setTerm(1).build());
    assertThat(r.lead).isEqualTo(RaftUtil.NONE);
    assertThat(readMessages(r)).isEmpty();
  }
}
