package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static io.etcdj.raft.RaftTestUtil.entry;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.newTestLearnerRaft;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.prop;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Log replication, commitment, proposals (forwarding and dropping), the uncommitted-size limit and
 * inflight flow control (etcd {@code raft_test.go}, {@code raft_flow_control_test.go}).
 */
class RaftReplicationTest {

  /** TestLogReplication. */
  @Test
  void proposalsReplicateToAllAndCommit() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    n.send(prop(1, "somedata"));
    n.send(hup(2));
    n.send(prop(2, "somedata"));
    for (Raft r : n.peers.values()) {
      assertThat(r.raftLog.committed).isEqualTo(4);
      List<Entry> ents = new ArrayList<>();
      for (Entry e : r.raftLog.allEntries()) {
        if (!e.getData().isEmpty()) {
          ents.add(e);
        }
      }
      assertThat(ents)
          .extracting(Entry::getData)
          .containsExactly(bytes("somedata"), bytes("somedata"));
    }
  }

  /** TestLearnerLogReplication. */
  @Test
  void learnerReceivesLogButDoesNotCountForCommit() {
    Raft n1 = newTestLearnerRaft(1, ids(1), ids(2), 10, 1, new MemoryStorage());
    Raft n2 = newTestLearnerRaft(2, ids(1), ids(2), 10, 1, new MemoryStorage());
    Network n = Network.ofPeers(n1, n2);
    n1.becomeFollower(1, RaftUtil.NONE);
    n2.becomeFollower(1, RaftUtil.NONE);
    n1.randomizedElectionTimeout = n1.electionTimeout;
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    n.send(msg(1, 1, MessageType.MsgBeat));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    assertThat(n2.isLearner).isTrue();
    long next = n1.raftLog.committed;
    n.send(prop(1, "somedata"));
    assertThat(n1.raftLog.committed).isEqualTo(next + 1);
    assertThat(n2.raftLog.committed).isEqualTo(n1.raftLog.committed);
    assertThat(n1.prs.progress.get(2L).match).isEqualTo(n2.raftLog.committed);
  }

  /** TestSingleNodeCommit. */
  @Test
  void singleNodeCommitsImmediately() {
    Network n = Network.of(1, Function.identity());
    n.send(hup(1));
    n.send(prop(1, "some data"));
    n.send(prop(1, "some data"));
    assertThat(n.peer(1).raftLog.committed).isEqualTo(3);
  }

  /** TestCannotCommitWithoutNewTermEntry, TestCommitWithoutNewTermEntry. */
  @Test
  void oldTermEntriesCommitOnlyWithNewTermEntry() {
    Network n = Network.of(5, Function.identity());
    n.send(hup(1));
    // Only 1 and 2 get the proposals.
    n.cut(1, 3);
    n.cut(1, 4);
    n.cut(1, 5);
    n.send(prop(1, "some data"));
    n.send(prop(1, "some data"));
    assertThat(n.peer(1).raftLog.committed).isEqualTo(1);
    n.recover();
    n.ignore(MessageType.MsgApp);
    // 2 becomes leader at term 2; its empty entry is not replicated, so nothing more commits.
    n.send(hup(2));
    assertThat(n.peer(2).raftLog.committed).isEqualTo(1);
    n.recover();
    n.send(RaftTestUtil.beat(2));
    n.send(prop(2, "some data"));
    assertThat(n.peer(2).raftLog.committed).isEqualTo(5);
  }

  /** TestProposal: proposals succeed only with a quorum; dropped ones do not change logs. */
  @Test
  void proposalCommitsOnlyWithQuorum() {
    record Case(Network n, boolean success) {}
    List<Case> cases =
        List.of(
            new Case(Network.ofPeers(null, null, null), true),
            new Case(Network.ofPeers(null, null, Network.BLACK_HOLE), true),
            new Case(Network.ofPeers(null, Network.BLACK_HOLE, Network.BLACK_HOLE), false),
            new Case(Network.ofPeers(null, Network.BLACK_HOLE, Network.BLACK_HOLE, null), false),
            new Case(
                Network.ofPeers(null, Network.BLACK_HOLE, Network.BLACK_HOLE, null, null), true));
    for (Case c : cases) {
      c.n.send(hup(1));
      c.n.send(prop(1, "somedata"));
      Raft r = c.n.peer(1);
      long want = c.success ? 2 : 0;
      assertThat(r.raftLog.committed).isEqualTo(want);
      assertThat(r.term).isEqualTo(1);
    }
  }

  /** TestProposalByProxy. */
  @Test
  void followerForwardsProposalToLeader() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    n.send(prop(2, "somedata"));
    for (Raft r : n.peers.values()) {
      assertThat(r.raftLog.committed).isEqualTo(2);
    }
    assertThat(n.peer(1).raftLog.allEntries().get(1).getData()).isEqualTo(bytes("somedata"));
  }

  /** TestDisableProposalForwarding. */
  @Test
  void followerDropsProposalWhenForwardingDisabledOrNoLeader() {
    Raft r = new Raft(config(2, 10, 1, new MemoryStorage()).peers(ids(1, 2, 3)).build());
    assertThatThrownBy(() -> r.step(prop(2, "x")))
        .isInstanceOf(ProposalDroppedException.class)
        .hasMessage("raft proposal dropped");
    Raft noFwd =
        new Raft(
            config(2, 10, 1, new MemoryStorage())
                .peers(ids(1, 2, 3))
                .disableProposalForwarding(true)
                .build());
    noFwd.becomeFollower(1, 1);
    assertThatThrownBy(() -> noFwd.step(prop(2, "x"))).isInstanceOf(ProposalDroppedException.class);
    Raft cand = newTestRaft(1, ids(1, 2, 3), 10, 1);
    cand.becomeCandidate();
    assertThatThrownBy(() -> cand.step(prop(1, "x"))).isInstanceOf(ProposalDroppedException.class);
  }

  /** TestCommit: commit index is the quorum's match in the current term. */
  @Test
  void commitIsMedianMatchOfCurrentTerm() {
    Object[][] cases = {
      {new long[] {1}, new long[] {1}, 1L, 1L},
      {new long[] {1}, new long[] {1}, 2L, 0L},
      {new long[] {2}, new long[] {1, 2}, 2L, 2L},
      {new long[] {1}, new long[] {2}, 2L, 1L},
      {new long[] {2, 1, 1}, new long[] {1, 2}, 1L, 1L},
      {new long[] {2, 1, 1}, new long[] {1, 1}, 2L, 0L},
      {new long[] {2, 1, 2}, new long[] {1, 2}, 2L, 2L},
      {new long[] {2, 1, 2}, new long[] {1, 1}, 2L, 0L},
      {new long[] {2, 1, 1, 1}, new long[] {1, 2}, 1L, 1L},
      {new long[] {2, 1, 1, 1}, new long[] {1, 1}, 2L, 0L},
      {new long[] {2, 1, 1, 2}, new long[] {1, 2}, 1L, 1L},
      {new long[] {2, 1, 1, 2}, new long[] {1, 1}, 2L, 0L},
      {new long[] {2, 1, 2, 2}, new long[] {1, 2}, 2L, 2L},
      {new long[] {2, 1, 2, 2}, new long[] {1, 1}, 2L, 0L},
    };
    for (Object[] c : cases) {
      long[] matches = (long[]) c[0];
      long[] logTerms = (long[]) c[1];
      MemoryStorage s = new MemoryStorage();
      List<Entry> ents = new ArrayList<>();
      for (int i = 0; i < logTerms.length; i++) {
        ents.add(entry(logTerms[i], i + 1));
      }
      s.append(ents);
      s.setHardState(HardState.newBuilder().setTerm((Long) c[2]).build());
      Raft r = newTestRaft(1, ids(1), 10, 2, s);
      for (int j = 0; j < matches.length; j++) {
        long id = j + 1L;
        if (id > 1) {
          r.applyConfChange(
              RaftUtil.asV2(
                  io.etcdj.proto.raftpb.ConfChange.newBuilder()
                      .setType(io.etcdj.proto.raftpb.ConfChangeType.ConfChangeAddNode)
                      .setNodeId(id)
                      .build()));
        }
        Progress pr = r.prs.progress.get(id);
        pr.match = matches[j];
        pr.next = matches[j] + 1;
      }
      r.maybeCommit();
      assertThat(r.raftLog.committed).isEqualTo(c[3]);
    }
  }

  /** TestHandleHeartbeat. */
  @Test
  void heartbeatCommitsOnlyForward() {
    long commit = 2;
    for (long[] c : new long[][] {{commit + 1, commit + 1}, {commit - 1, commit}}) {
      MemoryStorage s = new MemoryStorage();
      s.append(List.of(entry(1, 1), entry(2, 2), entry(3, 3)));
      Raft r = newTestRaft(1, ids(1, 2), 5, 1, s);
      r.becomeFollower(2, 2);
      r.raftLog.commitTo(commit);
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setTo(1)
              .setType(MessageType.MsgHeartbeat)
              .setTerm(2)
              .setCommit(c[0])
              .build());
      assertThat(r.raftLog.committed).isEqualTo(c[1]);
      List<Message> m = readMessages(r);
      assertThat(m).hasSize(1);
      assertThat(m.get(0).getType()).isEqualTo(MessageType.MsgHeartbeatResp);
    }
  }

  /** TestHandleHeartbeatResp: a heartbeat response re-sends appends to a lagging follower. */
  @Test
  void heartbeatResponseResendsToLaggingFollower() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(1, 1), entry(2, 2), entry(3, 3)));
    Raft r = newTestRaft(1, ids(1, 2), 5, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    r.raftLog.commitTo(r.raftLog.lastIndex());
    step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);
    step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
    msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgAppResp)
            .setTerm(r.term)
            .setIndex(msgs.get(0).getIndex() + msgs.get(0).getEntriesCount())
            .build());
    readMessages(r);
    step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
    assertThat(readMessages(r)).isEmpty();
  }

  /** TestLeaderAppResp: rejections move next back using the hint. */
  @Test
  void appendResponsesUpdateProgress() {
    // index, reject, hint -> wantMatch, wantNext, wantMsgs
    long[][] cases = {
      {3, 1, 3, 0, 3, 0}, // stale rejection (next-1 != 3)
      {2, 1, 2, 0, 2, 1}, // rejected: back to 2, resend
      {2, 0, 0, 2, 4, 2}, // accepted: commit, broadcast
      {0, 0, 0, 0, 3, 0}, // stale acceptance
    };
    for (long[] c : cases) {
      MemoryStorage s = new MemoryStorage();
      s.append(List.of(entry(0, 1), entry(1, 2)));
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
      r.raftLog.unstable.offset = 3;
      r.becomeCandidate();
      r.becomeLeader();
      readMessages(r);
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setType(MessageType.MsgAppResp)
              .setIndex(c[0])
              .setTerm(r.term)
              .setReject(c[1] == 1)
              .setRejectHint(c[2])
              .build());
      Progress p = r.prs.progress.get(2L);
      assertThat(p.match).isEqualTo(c[3]);
      assertThat(p.next).isEqualTo(c[4]);
      assertThat(readMessages(r)).hasSize((int) c[5]);
    }
  }

  /** TestSendAppendForProgressProbe: one probe per heartbeat interval. */
  @Test
  void probeSendsOneAppendUntilHeartbeatResponse() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.prs.progress.get(2L).becomeProbe();
    for (int i = 0; i < 3; i++) {
      if (i == 0) {
        r.appendEntry(List.of(Entry.newBuilder().setData(bytes("somedata")).build()));
        r.bcastAppend();
        List<Message> msgs = readMessages(r);
        assertThat(msgs).hasSize(1);
        assertThat(msgs.get(0).getIndex()).isZero();
      }
      assertThat(r.prs.progress.get(2L).probeSent).isTrue();
      for (int j = 0; j < 10; j++) {
        r.appendEntry(List.of(Entry.newBuilder().setData(bytes("somedata")).build()));
        r.bcastAppend();
        assertThat(readMessages(r)).isEmpty();
      }
      for (int j = 0; j < r.heartbeatTimeout; j++) {
        step(r, msg(1, 1, MessageType.MsgBeat));
      }
      assertThat(r.prs.progress.get(2L).probeSent).isTrue();
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(1);
      assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgHeartbeat);
    }
    step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
    assertThat(r.prs.progress.get(2L).probeSent).isTrue();
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);
  }

  /** TestSendAppendForProgressReplicate. */
  @Test
  void replicateSendsEveryProposalImmediately() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.prs.progress.get(2L).becomeReplicate();
    for (int i = 0; i < 10; i++) {
      r.appendEntry(List.of(Entry.newBuilder().setData(bytes("somedata")).build()));
      r.bcastAppend();
      assertThat(readMessages(r)).hasSize(1);
    }
  }

  /** TestRecvMsgUnreachable. */
  @Test
  void unreachableMovesReplicateToProbe() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(1, 1), entry(1, 2), entry(1, 3)));
    Raft r = newTestRaft(1, ids(1, 2), 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    Progress p = r.prs.progress.get(2L);
    p.match = 3;
    p.becomeReplicate();
    p.optimisticUpdate(5);
    step(r, msg(2, 1, MessageType.MsgUnreachable));
    assertThat(p.state).isEqualTo(ProgressState.StateProbe);
    assertThat(p.next).isEqualTo(p.match + 1);
  }

  /** TestMsgAppFlowControlFull. */
  @Test
  void fullInflightWindowPausesSending() {
    Raft r = newTestRaft(1, ids(1, 2), 5, 1);
    r.becomeCandidate();
    r.becomeLeader();
    Progress pr2 = r.prs.progress.get(2L);
    pr2.becomeReplicate();
    for (int i = 0; i < r.prs.maxInflight(); i++) {
      step(r, prop(1, "somedata"));
      assertThat(readMessages(r)).hasSize(1);
    }
    assertThat(pr2.inflights.full()).isTrue();
    for (int i = 0; i < 10; i++) {
      step(r, prop(1, "somedata"));
      assertThat(readMessages(r)).isEmpty();
    }
  }

  /** TestMsgAppFlowControlMoveForward. */
  @Test
  void acknowledgementsFreeInflightSlots() {
    Raft r =
        new Raft(config(1, 5, 1, new MemoryStorage()).peers(ids(1, 2)).maxInflightMsgs(8).build());
    r.becomeCandidate();
    r.becomeLeader();
    Progress pr2 = r.prs.progress.get(2L);
    pr2.becomeReplicate();
    for (int i = 0; i < 8; i++) {
      step(r, prop(1, "somedata"));
      readMessages(r);
    }
    // Index 1 is the leader's empty entry; proposals are 2..9.
    for (int tt = 2; tt < 8; tt++) {
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setTo(1)
              .setType(MessageType.MsgAppResp)
              .setIndex(tt)
              .setTerm(r.term)
              .build());
      readMessages(r);
      step(r, prop(1, "somedata"));
      assertThat(readMessages(r)).hasSize(1);
      assertThat(pr2.inflights.full()).isTrue();
      // Stale acknowledgements free nothing.
      for (int j = 0; j < tt; j++) {
        step(
            r,
            Message.newBuilder()
                .setFrom(2)
                .setTo(1)
                .setType(MessageType.MsgAppResp)
                .setIndex(j)
                .setTerm(r.term)
                .build());
        assertThat(pr2.inflights.full()).isTrue();
      }
    }
  }

  /** TestMsgAppFlowControlRecvHeartbeat. */
  @Test
  void heartbeatResponseFreesOneSlotOfFullWindow() {
    Raft r = newTestRaft(1, ids(1, 2), 5, 1);
    r.becomeCandidate();
    r.becomeLeader();
    Progress pr2 = r.prs.progress.get(2L);
    pr2.becomeReplicate();
    for (int i = 0; i < r.prs.maxInflight(); i++) {
      step(r, prop(1, "somedata"));
      readMessages(r);
    }
    for (int tt = 1; tt < 5; tt++) {
      assertThat(pr2.inflights.full()).isTrue();
      for (int i = 0; i < tt; i++) {
        step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
        readMessages(r);
        assertThat(pr2.inflights.full()).isFalse();
      }
      step(r, prop(1, "somedata"));
      assertThat(readMessages(r)).hasSize(1);
      for (int i = 0; i < 10; i++) {
        step(r, prop(1, "somedata"));
        assertThat(readMessages(r)).isEmpty();
      }
      step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
      readMessages(r);
    }
  }

  /** TestUncommittedEntryLimit. */
  @Test
  void uncommittedSizeLimitDropsProposals() throws Exception {
    int maxEntries = 1024;
    Entry testEntry = Entry.newBuilder().setData(bytes("testdata")).build();
    long maxEntrySize = (long) maxEntries * RaftUtil.payloadSize(testEntry);
    Raft r =
        new Raft(
            config(1, 5, 1, new MemoryStorage())
                .peers(ids(1, 2, 3))
                .maxUncommittedEntriesSize(maxEntrySize)
                .maxInflightMsgs(2 * 1024)
                .build());
    r.becomeCandidate();
    r.becomeLeader();
    assertThat(r.uncommittedSize).isZero();
    r.prs.progress.get(2L).becomeReplicate();
    r.prs.progress.get(3L).becomeReplicate();
    r.uncommittedSize = 0;

    Message propMsg =
        Message.newBuilder()
            .setFrom(1)
            .setTo(1)
            .setType(MessageType.MsgProp)
            .addEntries(testEntry)
            .build();
    List<Entry> propEnts = new ArrayList<>();
    for (int i = 0; i < maxEntries; i++) {
      r.step(propMsg);
      propEnts.add(testEntry);
    }
    assertThatThrownBy(() -> r.step(propMsg)).isInstanceOf(ProposalDroppedException.class);
    assertThat(readMessages(r)).hasSize(maxEntries * 2);
    // Committing everything releases the accounting.
    r.reduceUncommittedSize(propEnts);
    assertThat(r.uncommittedSize).isZero();

    // A single large proposal is allowed when nothing is uncommitted.
    Message.Builder large = Message.newBuilder().setFrom(1).setTo(1).setType(MessageType.MsgProp);
    List<Entry> largeEnts = new ArrayList<>();
    for (int i = 0; i < 2 * maxEntries; i++) {
      large.addEntries(testEntry);
      largeEnts.add(testEntry);
    }
    r.step(large.build());
    assertThatThrownBy(() -> r.step(propMsg)).isInstanceOf(ProposalDroppedException.class);
    assertThat(readMessages(r)).hasSize(2);
    r.reduceUncommittedSize(largeEnts);
    assertThat(r.uncommittedSize).isZero();
  }

  /** TestOldMessages: messages from older terms are ignored. */
  @Test
  void oldTermMessagesDoNotChangeLog() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    n.send(hup(2));
    n.send(hup(1));
    // Pretend a stale leader of term 2 sends an append.
    n.send(
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgApp)
            .setTerm(2)
            .addEntries(entry(2, 3))
            .build());
    n.send(prop(1, "somedata"));
    for (Raft r : n.peers.values()) {
      assertThat(r.raftLog.allEntries()).hasSize(4);
      assertThat(r.raftLog.committed).isEqualTo(4);
    }
  }
}
