package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.newTestLearnerRaft;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.nextEnts;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership changes inside the raft core (etcd {@code TestStepConfig}, {@code TestAddNode}...).
 */
class RaftConfChangeTest {

  private static ConfChange cc(ConfChangeType t, long id) {
    return ConfChange.newBuilder().setType(t).setNodeId(id).build();
  }

  private static Message ccProp(ConfChange cc) {
    return Message.newBuilder()
        .setFrom(1)
        .setTo(1)
        .setType(MessageType.MsgProp)
        .addEntries(
            Entry.newBuilder().setType(EntryType.EntryConfChange).setData(cc.toByteString()))
        .build();
  }

  private static Message emptyCcProp() {
    return Message.newBuilder()
        .setFrom(1)
        .setTo(1)
        .setType(MessageType.MsgProp)
        .addEntries(Entry.newBuilder().setType(EntryType.EntryConfChange))
        .build();
  }

  /** TestStepConfig: a conf change proposal is appended and marks pendingConfIndex. */
  @Test
  void confChangeProposalSetsPendingIndex() {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    long index = r.raftLog.lastIndex();
    step(r, emptyCcProp());
    assertThat(r.raftLog.lastIndex()).isEqualTo(index + 1);
    assertThat(r.pendingConfIndex).isEqualTo(index + 1);
  }

  /** TestStepIgnoreConfig: a second pending conf change becomes an empty normal entry. */
  @Test
  void secondPendingConfChangeIsReplacedByEmptyEntry() throws Exception {
    Raft r = newTestRaft(1, ids(1, 2), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    step(r, emptyCcProp());
    long index = r.raftLog.lastIndex();
    long pending = r.pendingConfIndex;
    step(r, emptyCcProp());
    List<Entry> ents = r.raftLog.slice(index + 1, r.raftLog.lastIndex() + 1, RaftUtil.NO_LIMIT);
    assertThat(ents)
        .containsExactly(
            Entry.newBuilder().setType(EntryType.EntryNormal).setTerm(1).setIndex(3).build());
    assertThat(r.pendingConfIndex).isEqualTo(pending);
  }

  /** TestNewLeaderPendingConfig: a new leader treats its whole uncommitted tail as pending. */
  @Test
  void newLeaderSetsPendingConfIndexToLastIndex() {
    for (boolean addEntry : new boolean[] {false, true}) {
      Raft r = newTestRaft(1, ids(1, 2), 10, 1);
      if (addEntry) {
        r.appendEntry(List.of(Entry.getDefaultInstance()));
      }
      r.becomeCandidate();
      r.becomeLeader();
      assertThat(r.pendingConfIndex).isEqualTo(addEntry ? 1 : 0);
    }
  }

  /** TestAddNode, TestAddLearner, TestRemoveNode, TestRemoveLearner. */
  @Test
  void addAndRemoveVotersAndLearners() {
    Raft r = newTestRaft(1, ids(1), 10, 1);
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeAddNode, 2)));
    assertThat(r.prs.voterNodes()).containsExactly(1L, 2L);
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeAddLearnerNode, 3)));
    assertThat(r.prs.learnerNodes()).containsExactly(3L);
    assertThat(r.prs.progress.get(3L).isLearner).isTrue();
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeRemoveNode, 2)));
    assertThat(r.prs.voterNodes()).containsExactly(1L);
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeRemoveNode, 3)));
    assertThat(r.prs.learnerNodes()).isEmpty();
    // Removing the last voter is refused loudly.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeRemoveNode, 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("removed all voters");
  }

  /** TestAddNodeCheckQuorum: a freshly added node counts as active. */
  @Test
  void addedNodeDoesNotCauseCheckQuorumStepDown() {
    Raft r =
        new Raft(
            RaftTestUtil.config(1, 10, 1, new MemoryStorage())
                .peers(ids(1))
                .checkQuorum(true)
                .build());
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < r.electionTimeout - 1; i++) {
      r.tick();
    }
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeAddNode, 2)));
    r.tick();
    assertThat(r.state).isEqualTo(StateType.StateLeader);
    for (int i = 0; i < r.electionTimeout; i++) {
      r.tick();
    }
    assertThat(r.state).isEqualTo(StateType.StateFollower);
  }

  /** TestPromotable, TestRaftNodes. */
  @Test
  void onlyVotersArePromotable() {
    assertThat(newTestRaft(1, ids(1), 10, 1).promotable()).isTrue();
    assertThat(newTestRaft(1, ids(2, 3), 10, 1).promotable()).isFalse();
    assertThat(newTestLearnerRaft(1, ids(2), ids(1), 10, 1, new MemoryStorage()).promotable())
        .isFalse();
    assertThat(newTestRaft(1, ids(3, 2, 1), 10, 1).prs.voterNodes()).containsExactly(1L, 2L, 3L);
  }

  /** TestCommitAfterRemoveNode: removing a node lowers the quorum and commits pending entries. */
  @Test
  void removingNodeCommitsWhatRemainingQuorumHas() {
    MemoryStorage s = new MemoryStorage();
    Raft r = newTestRaft(1, ids(1, 2), 5, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    ConfChange remove = cc(ConfChangeType.ConfChangeRemoveNode, 2);
    step(r, ccProp(remove));
    assertThat(nextEnts(r, s)).isEmpty();
    long ccIndex = r.raftLog.lastIndex();
    step(
        r,
        Message.newBuilder()
            .setFrom(1)
            .setTo(1)
            .setType(MessageType.MsgProp)
            .addEntries(Entry.newBuilder().setData(bytes("hello")))
            .build());
    step(
        r,
        Message.newBuilder().setFrom(2).setType(MessageType.MsgAppResp).setIndex(ccIndex).build());
    List<Entry> ents = nextEnts(r, s);
    assertThat(ents).hasSize(2);
    assertThat(ents.get(0).getType()).isEqualTo(EntryType.EntryNormal);
    assertThat(ents.get(1).getType()).isEqualTo(EntryType.EntryConfChange);
    r.applyConfChange(RaftUtil.asV2(remove));
    ents = nextEnts(r, s);
    assertThat(ents).hasSize(1);
    assertThat(ents.get(0).getData()).isEqualTo(bytes("hello"));
  }

  /** A leader removed from the config drops proposals (etcd #7327). */
  @Test
  void removedLeaderDropsProposals() {
    Raft r = newTestRaft(1, ids(1, 2), 5, 1);
    r.becomeCandidate();
    r.becomeLeader();
    r.applyConfChange(RaftUtil.asV2(cc(ConfChangeType.ConfChangeRemoveNode, 1)));
    assertThat(r.state).isEqualTo(StateType.StateLeader);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.step(RaftTestUtil.prop(1, "x")))
        .isInstanceOf(ProposalDroppedException.class);
  }

  /** While joint, an entry commits only when both the incoming and outgoing majorities have it. */
  @Test
  void jointConfigCommitsOnlyWithBothMajorities() {
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    // Replace 3 by 4: voters (1 2 4)&&(1 2 3).
    r.applyConfChange(
        io.etcdj.proto.raftpb.ConfChangeV2.newBuilder()
            .addChanges(
                io.etcdj.proto.raftpb.ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .setNodeId(3))
            .addChanges(
                io.etcdj.proto.raftpb.ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddNode)
                    .setNodeId(4))
            .build());
    assertThat(r.prs.config.voters.toString()).isEqualTo("(1 2 4)&&(1 2 3)");
    step(r, RaftTestUtil.prop(1, "x"));
    long idx = r.raftLog.lastIndex();
    // 3 alone gives the outgoing majority but not the incoming one.
    step(r, appResp(3, r.term, idx));
    assertThat(r.raftLog.committed).isLessThan(idx);
    // 4 completes the incoming majority {1, 4}; outgoing {1, 3} already has it.
    step(r, appResp(4, r.term, idx));
    assertThat(r.raftLog.committed).isEqualTo(idx);
  }

  private static Message appResp(long from, long term, long index) {
    return Message.newBuilder()
        .setFrom(from)
        .setTo(1)
        .setType(MessageType.MsgAppResp)
        .setTerm(term)
        .setIndex(index)
        .build();
  }

  /** Learners' votes are never counted, even when they are granted. */
  @Test
  void learnerVotesAreNotCounted() {
    Raft r = newTestLearnerRaft(1, ids(1, 2, 3), ids(4), 10, 1, new MemoryStorage());
    step(r, RaftTestUtil.hup(1));
    assertThat(r.state).isEqualTo(StateType.StateCandidate);
    step(
        r,
        Message.newBuilder()
            .setFrom(4)
            .setTo(1)
            .setType(MessageType.MsgVoteResp)
            .setTerm(r.term)
            .build());
    assertThat(r.state).isEqualTo(StateType.StateCandidate);
    assertThat(r.prs.tallyVotes().granted()).isEqualTo(1);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgVoteResp)
            .setTerm(r.term)
            .build());
    assertThat(r.state).isEqualTo(StateType.StateLeader);
  }

  /**
   * A learner that does not yet know it was promoted still votes when asked, so a quorum of the
   * newest config can elect a leader (etcd testdata {@code campaign_learner_must_vote.txt}, etcd PR
   * 10998).
   */
  @Test
  void learnerNotYetAwareOfPromotionStillVotes() {
    Raft n1 = newTestLearnerRaft(1, ids(1, 2), ids(3), 10, 1, new MemoryStorage());
    Raft n2 = newTestLearnerRaft(2, ids(1, 2), ids(3), 10, 1, new MemoryStorage());
    Raft n3 = newTestLearnerRaft(3, ids(1, 2), ids(3), 10, 1, new MemoryStorage());
    Network n = Network.ofPeers(n1, n2, n3);
    n.send(RaftTestUtil.hup(1));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    // Promote 3; only 1 and 2 learn about (and apply) it.
    n.isolate(3);
    ConfChange promote = cc(ConfChangeType.ConfChangeAddNode, 3);
    n.send(ccProp(promote));
    assertThat(n2.raftLog.committed).isEqualTo(n1.raftLog.lastIndex());
    for (Raft r : List.of(n1, n2)) {
      r.applyConfChange(RaftUtil.asV2(promote));
      r.raftLog.appliedTo(r.raftLog.committed);
    }
    assertThat(n3.isLearner).isTrue();
    // 1 dies; 2 campaigns and needs 3's vote under the new config.
    n.recover();
    n.isolate(1);
    n.send(RaftTestUtil.hup(2));
    assertThat(n2.state).isEqualTo(StateType.StateLeader);
    assertThat(n3.vote).isEqualTo(2);
  }

  /** A leader that applies its own removal keeps leading but cannot take proposals. */
  @Test
  void removedLeaderStopsCountingItself() {
    Network n = Network.of(3, java.util.function.Function.identity());
    n.send(RaftTestUtil.hup(1));
    Raft lead = n.peer(1);
    ConfChange removeSelf = cc(ConfChangeType.ConfChangeRemoveNode, 1);
    n.send(ccProp(removeSelf));
    lead.applyConfChange(RaftUtil.asV2(removeSelf));
    assertThat(lead.promotable()).isFalse();
    assertThat(lead.prs.voterNodes()).containsExactly(2L, 3L);
    // Followers apply it too and elect a new leader among themselves.
    for (long id = 2; id <= 3; id++) {
      Raft r = n.peer(id);
      r.applyConfChange(RaftUtil.asV2(removeSelf));
      r.raftLog.appliedTo(r.raftLog.committed);
    }
    n.isolate(1);
    n.send(RaftTestUtil.hup(2));
    assertThat(n.peer(2).state).isEqualTo(StateType.StateLeader);
  }
}
