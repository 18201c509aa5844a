package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.prop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Leadership transfer via MsgTimeoutNow (etcd {@code TestLeaderTransfer*}). */
class LeaderTransferTest {

  private static Message transfer(long transferee, long to) {
    return msg(transferee, to, MessageType.MsgTransferLeader);
  }

  private static Message emptyProp(long id) {
    return Message.newBuilder()
        .setFrom(id)
        .setTo(id)
        .setType(MessageType.MsgProp)
        .addEntries(Entry.getDefaultInstance())
        .build();
  }

  private static void checkState(Raft r, StateType state, long lead) {
    assertThat(r.state).isEqualTo(state);
    assertThat(r.lead).isEqualTo(lead);
    assertThat(r.leadTransferee).isEqualTo(RaftUtil.NONE);
  }

  private static Network elected(Function<Config.Builder, Config.Builder> f) {
    Network n = Network.of(3, f);
    n.send(hup(1));
    return n;
  }

  /** TestLeaderTransferToUpToDateNode, ...FromFollower. */
  @Test
  void transferToUpToDateNodeAndBack() {
    Network n = elected(Function.identity());
    Raft lead = n.peer(1);
    assertThat(lead.lead).isEqualTo(1);
    n.send(transfer(2, 1));
    checkState(lead, StateType.StateFollower, 2);
    // Transfer back, this time asked through a follower.
    n.send(emptyProp(1));
    n.send(transfer(1, 2));
    checkState(lead, StateType.StateLeader, 1);
  }

  /** TestLeaderTransferWithCheckQuorum: the transfer campaign bypasses leases. */
  @Test
  void transferBypassesCheckQuorumLease() {
    Network n = Network.of(3, b -> b.checkQuorum(true));
    for (Raft r : n.peers.values()) {
      r.randomizedElectionTimeout = r.electionTimeout + 2;
    }
    Raft f = n.peer(2);
    for (int i = 0; i < f.electionTimeout; i++) {
      f.tick();
    }
    n.send(hup(1));
    Raft lead = n.peer(1);
    assertThat(lead.state).isEqualTo(StateType.StateLeader);
    n.send(transfer(2, 1));
    checkState(lead, StateType.StateFollower, 2);
  }

  /** TestLeaderTransferToSlowFollower: the leader catches the target up first. */
  @Test
  void transferToSlowFollowerCatchesItUpFirst() {
    Network n = elected(Function.identity());
    n.isolate(3);
    n.send(emptyProp(1));
    n.recover();
    Raft lead = n.peer(1);
    assertThat(lead.prs.progress.get(3L).match).isEqualTo(1);
    n.send(transfer(3, 1));
    checkState(lead, StateType.StateFollower, 3);
  }

  /** TestLeaderTransferAfterSnapshot. */
  @Test
  void transferToFollowerNeedingSnapshot() throws Exception {
    Network n = elected(Function.identity());
    n.isolate(3);
    n.send(emptyProp(1));
    Raft lead = n.peer(1);
    MemoryStorage ls = n.storage.get(1L);
    RaftTestUtil.nextEnts(lead, ls);
    ls.createSnapshot(lead.raftLog.applied, lead.prs.confState(), (byte[]) null);
    ls.compact(lead.raftLog.applied);
    n.recover();
    assertThat(lead.prs.progress.get(3L).match).isEqualTo(1);
    Message[] filtered = new Message[1];
    // Hold back the snapshot status report to keep the transfer pending.
    n.msgHook =
        m -> {
          if (m.getType() != MessageType.MsgAppResp || m.getFrom() != 3 || m.getReject()) {
            return true;
          }
          filtered[0] = m;
          return false;
        };
    n.send(transfer(3, 1));
    assertThat(lead.state).isEqualTo(StateType.StateLeader);
    assertThat(filtered[0]).isNotNull();
    n.msgHook = null;
    n.send(filtered[0]);
    checkState(lead, StateType.StateFollower, 3);
  }

  /** TestLeaderTransferToSelf, TestLeaderTransferToNonExistingNode. */
  @Test
  void transferToSelfOrUnknownNodeIsIgnored() {
    Network n = elected(Function.identity());
    Raft lead = n.peer(1);
    n.send(transfer(1, 1));
    checkState(lead, StateType.StateLeader, 1);
    n.send(transfer(4, 1));
    checkState(lead, StateType.StateLeader, 1);
  }

  /** TestLeaderTransferTimeout: an unfinished transfer is abandoned after an election timeout. */
  @Test
  void transferTimesOutAfterElectionTimeout() {
    Network n = elected(Function.identity());
    n.isolate(3);
    Raft lead = n.peer(1);
    n.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    checkState(lead, StateType.StateLeader, 1);
  }

  /** TestLeaderTransferIgnoreProposal. */
  @Test
  void proposalsAreDroppedDuringTransfer() {
    Network n = elected(Function.identity());
    n.isolate(3);
    Raft lead = n.peer(1);
    n.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    n.send(emptyProp(1));
    assertThatThrownBy(() -> lead.step(emptyProp(1))).isInstanceOf(ProposalDroppedException.class);
    assertThat(lead.prs.progress.get(1L).match).isEqualTo(1);
  }

  /** TestLeaderTransferReceiveHigherTermVote. */
  @Test
  void higherTermElectionAbortsTransfer() {
    Network n = elected(Function.identity());
    n.isolate(3);
    Raft lead = n.peer(1);
    n.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    n.send(
        Message.newBuilder()
            .setFrom(2)
            .setTo(2)
            .setType(MessageType.MsgHup)
            .setIndex(1)
            .setTerm(2)
            .build());
    checkState(lead, StateType.StateFollower, 2);
  }

  /** TestLeaderTransferRemoveNode. */
  @Test
  void removingTransfereeAbortsTransfer() {
    Network n = elected(Function.identity());
    n.ignore(MessageType.MsgTimeoutNow);
    Raft lead = n.peer(1);
    n.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    lead.applyConfChange(
        RaftUtil.asV2(
            ConfChange.newBuilder()
                .setType(ConfChangeType.ConfChangeRemoveNode)
                .setNodeId(3)
                .build()));
    checkState(lead, StateType.StateLeader, 1);
  }

  /** TestLeaderTransferSecondTransferToAnotherNode / ...ToSameNode. */
  @Test
  void secondTransferReplacesOrKeepsTheFirst() {
    Network n = elected(Function.identity());
    n.isolate(3);
    Raft lead = n.peer(1);
    n.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    // Same node again: the timer is not reset, so it still times out on schedule.
    n.send(transfer(3, 1));
    for (int i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    checkState(lead, StateType.StateLeader, 1);
    // Another node: the first transfer is abandoned.
    n.send(transfer(3, 1));
    n.send(transfer(2, 1));
    checkState(lead, StateType.StateFollower, 2);
  }

  /** TestTransferNonMember: a removed node ignores MsgTimeoutNow. */
  @Test
  void nonMemberIgnoresTimeoutNow() throws Exception {
    Raft r = new Raft(RaftTestUtil.config(1, 5, 1, new MemoryStorage()).peers(2, 3, 4).build());
    r.step(msg(2, 1, MessageType.MsgTimeoutNow, 0));
    r.step(
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgVoteResp)
            .setTerm(1)
            .build());
    r.step(
        Message.newBuilder()
            .setFrom(3)
            .setTo(1)
            .setType(MessageType.MsgVoteResp)
            .setTerm(1)
            .build());
    assertThat(r.state).isEqualTo(StateType.StateFollower);
  }

  @Test
  void proposalByUnknownNodeStillWorksAfterTransfer() {
    Network n = elected(Function.identity());
    n.send(transfer(2, 1));
    n.send(prop(3, "x"));
    assertThat(n.peer(2).state).isEqualTo(StateType.StateLeader);
    assertThat(n.peer(2).raftLog.committed).isEqualTo(n.peer(2).raftLog.lastIndex());
  }
}
