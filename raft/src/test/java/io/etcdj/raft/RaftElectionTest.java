package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.config;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.newTestLearnerRaft;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.prop;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Elections: basic, pre-vote, dueling candidates, check-quorum step-down and leases, disruptive
 * followers, learners (etcd {@code raft_test.go}).
 */
class RaftElectionTest {

  private static Config.Builder preVote(Config.Builder b) {
    return b.preVote(true);
  }

  private static Config.Builder checkQuorum(Config.Builder b) {
    return b.checkQuorum(true);
  }

  private static Raft raft(long id, long[] peers, Function<Config.Builder, Config.Builder> f) {
    return new Raft(f.apply(config(id, 10, 1, new MemoryStorage()).peers(peers)).build());
  }

  /** TestLeaderElection, TestLeaderElectionPreVote. */
  @Test
  void leaderIsElectedWhenAQuorumIsReachable() {
    for (boolean preVote : new boolean[] {false, true}) {
      Function<Config.Builder, Config.Builder> f = b -> b.preVote(preVote);
      StateType lost = preVote ? StateType.StatePreCandidate : StateType.StateCandidate;
      record Case(Network n, StateType want, long term) {}
      List<Case> cases =
          List.of(
              new Case(Network.of(f, null, null, null), StateType.StateLeader, 1),
              new Case(Network.of(f, null, null, Network.BLACK_HOLE), StateType.StateLeader, 1),
              new Case(
                  Network.of(f, null, Network.BLACK_HOLE, Network.BLACK_HOLE),
                  lost,
                  preVote ? 0 : 1),
              new Case(
                  Network.of(f, null, Network.BLACK_HOLE, Network.BLACK_HOLE, null),
                  lost,
                  preVote ? 0 : 1),
              new Case(
                  Network.of(f, null, Network.BLACK_HOLE, Network.BLACK_HOLE, null, null),
                  StateType.StateLeader,
                  1));
      for (Case c : cases) {
        c.n.send(hup(1));
        Raft r = c.n.peer(1);
        assertThat(r.state).isEqualTo(c.want);
        assertThat(r.term).isEqualTo(c.term);
      }
    }
  }

  /** TestLeaderCycle, TestLeaderCyclePreVote. */
  @Test
  void everyNodeCanBecomeLeaderInTurn() {
    for (boolean preVote : new boolean[] {false, true}) {
      Network n = Network.of(3, b -> b.preVote(preVote));
      for (long campaigner = 1; campaigner <= 3; campaigner++) {
        n.send(hup(campaigner));
        for (Raft r : n.peers.values()) {
          if (r.id == campaigner) {
            assertThat(r.state).isEqualTo(StateType.StateLeader);
          } else {
            assertThat(r.state).isEqualTo(StateType.StateFollower);
          }
        }
      }
    }
  }

  /** TestDuelingCandidates. */
  @Test
  void duelingCandidatesResolveToTheUpToDateOne() {
    Network n = Network.of(3, Function.identity());
    n.cut(1, 3);
    n.send(hup(1));
    n.send(hup(3));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
    assertThat(n.peer(3).state).isEqualTo(StateType.StateCandidate);
    n.recover();
    // 3 campaigns again with a higher term; 1 steps down, but 3's log is behind, so it loses.
    n.send(hup(3));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateFollower);
    assertThat(n.peer(2).state).isEqualTo(StateType.StateFollower);
    assertThat(n.peer(3).state).isEqualTo(StateType.StateFollower);
    assertThat(n.peer(1).term).isEqualTo(2);
    assertThat(n.peer(1).raftLog.committed).isEqualTo(1);
    assertThat(n.peer(3).raftLog.lastIndex()).isZero();
  }

  /** TestDuelingPreCandidates. */
  @Test
  void duelingPreCandidatesDoNotDisruptLeader() {
    Network n = Network.of(3, RaftElectionTest::preVote);
    n.cut(1, 3);
    n.send(hup(1));
    n.send(hup(3));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
    assertThat(n.peer(3).state).isEqualTo(StateType.StateFollower);
    n.recover();
    n.send(hup(3));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
    assertThat(n.peer(1).term).isEqualTo(1);
    assertThat(n.peer(3).term).isEqualTo(1);
  }

  /** TestCandidateConcede. */
  @Test
  void candidateConcedesToLeaderOfSameTerm() {
    Network n = Network.of(3, Function.identity());
    n.isolate(1);
    n.send(hup(1));
    n.send(hup(3));
    n.recover();
    // 1 gets the heartbeat of 3 and steps down.
    n.send(RaftTestUtil.beat(3));
    n.send(prop(3, "force follower"));
    n.send(RaftTestUtil.beat(3));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateFollower);
    assertThat(n.peer(1).term).isEqualTo(1);
    assertThat(n.peer(1).raftLog.allEntries()).isEqualTo(n.peer(3).raftLog.allEntries());
  }

  /** TestSingleNodeCandidate, TestSingleNodePreCandidate. */
  @Test
  void singleNodeElectsItself() {
    for (boolean preVote : new boolean[] {false, true}) {
      Network n = Network.of(1, b -> b.preVote(preVote));
      n.send(hup(1));
      assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
    }
  }

  /** TestLeaderElectionOverwriteNewerLogs (simplified): a stale log never wins an election. */
  @Test
  void staleLogCannotWinElection() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    n.send(prop(1, "a"));
    n.isolate(3);
    n.send(prop(1, "b"));
    n.recover();
    // 3 misses entry "b"; it cannot be elected.
    n.peer(3).becomeFollower(n.peer(3).term, RaftUtil.NONE);
    n.send(hup(3));
    assertThat(n.peer(3).state).isNotEqualTo(StateType.StateLeader);
  }

  /** TestVoteFromAnyState, TestPreVoteFromAnyState. */
  @Test
  void anyStateGrantsVoteForHigherTermUpToDateCandidate() {
    for (MessageType vt : List.of(MessageType.MsgVote, MessageType.MsgPreVote)) {
      for (StateType st : StateType.values()) {
        Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
        r.term = 1;
        switch (st) {
          case StateFollower -> r.becomeFollower(r.term, 3);
          case StatePreCandidate -> r.becomePreCandidate();
          case StateCandidate -> r.becomeCandidate();
          case StateLeader -> {
            r.becomeCandidate();
            r.becomeLeader();
          }
        }
        long origTerm = r.term;
        long newTerm = r.term + 1;
        step(
            r,
            Message.newBuilder()
                .setFrom(2)
                .setTo(1)
                .setType(vt)
                .setTerm(newTerm)
                .setLogTerm(newTerm)
                .setIndex(42)
                .build());
        List<Message> msgs = readMessages(r);
        assertThat(msgs).hasSize(1);
        Message resp = msgs.get(0);
        assertThat(resp.getType()).isEqualTo(RaftUtil.voteRespMsgType(vt));
        assertThat(resp.getReject()).isFalse();
        if (vt == MessageType.MsgVote) {
          assertThat(r.state).isEqualTo(StateType.StateFollower);
          assertThat(r.term).isEqualTo(newTerm);
          assertThat(r.vote).isEqualTo(2);
        } else {
          // A pre-vote changes nothing locally.
          assertThat(r.state).isEqualTo(st);
          assertThat(r.term).isEqualTo(origTerm);
        }
      }
    }
  }

  /** TestStateTransition: illegal transitions panic with etcd's text. */
  @Test
  void illegalTransitionsPanic() {
    Raft r = newTestRaft(1, ids(1), 10, 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(r::becomeLeader)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("invalid transition [follower -> leader]");
    r.becomeCandidate();
    r.becomeLeader();
    org.assertj.core.api.Assertions.assertThatThrownBy(r::becomeCandidate)
        .hasMessage("invalid transition [leader -> candidate]");
    org.assertj.core.api.Assertions.assertThatThrownBy(r::becomePreCandidate)
        .hasMessage("invalid transition [leader -> pre-candidate]");
  }

  /** TestLeaderStepdownWhenQuorumActive. */
  @Test
  void leaderStaysWhenQuorumActive() {
    Raft r = raft(1, ids(1, 2, 3), RaftElectionTest::checkQuorum);
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < r.electionTimeout + 1; i++) {
      step(r, msg(2, 1, MessageType.MsgHeartbeatResp, r.term));
      r.tick();
    }
    assertThat(r.state).isEqualTo(StateType.StateLeader);
  }

  /** TestLeaderStepdownWhenQuorumLost. */
  @Test
  void leaderStepsDownWhenQuorumLost() {
    Raft r = raft(1, ids(1, 2, 3), RaftElectionTest::checkQuorum);
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < r.electionTimeout + 1; i++) {
      r.tick();
    }
    assertThat(r.state).isEqualTo(StateType.StateFollower);
  }

  /** TestLeaderSupersedingWithCheckQuorum. */
  @Test
  void followerInLeaseIgnoresVotesUntilTimeout() {
    Network n = Network.of(3, RaftElectionTest::checkQuorum);
    Raft a = n.peer(1);
    Raft b = n.peer(2);
    Raft c = n.peer(3);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.StateLeader);
    assertThat(c.state).isEqualTo(StateType.StateFollower);
    n.send(hup(3));
    // b rejects c's vote since its electionElapsed < electionTimeout.
    assertThat(c.state).isEqualTo(StateType.StateCandidate);
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(3));
    assertThat(c.state).isEqualTo(StateType.StateLeader);
  }

  /** TestFreeStuckCandidateWithCheckQuorum. */
  @Test
  void stuckCandidateIsFreedByEmptyAppendResponse() {
    Network n = Network.of(3, RaftElectionTest::checkQuorum);
    Raft a = n.peer(1);
    Raft b = n.peer(2);
    Raft c = n.peer(3);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(1));
    n.isolate(1);
    n.send(hup(3));
    assertThat(b.state).isEqualTo(StateType.StateFollower);
    assertThat(c.state).isEqualTo(StateType.StateCandidate);
    assertThat(c.term).isEqualTo(b.term + 1);
    n.send(hup(3));
    assertThat(c.term).isEqualTo(b.term + 2);
    n.recover();
    n.send(msg(1, 3, MessageType.MsgHeartbeat, a.term));
    // The stale heartbeat makes c answer with its higher term; a steps down.
    assertThat(a.state).isEqualTo(StateType.StateFollower);
    assertThat(c.term).isEqualTo(a.term);
    n.send(hup(3));
    assertThat(c.state).isEqualTo(StateType.StateLeader);
  }

  /** TestNonPromotableVoterWithCheckQuorum. */
  @Test
  void nonPromotableVoterNeverCampaignsButFollows() {
    Raft a = raft(1, ids(1, 2), RaftElectionTest::checkQuorum);
    Raft b = raft(2, ids(1), RaftElectionTest::checkQuorum);
    Network n = Network.ofPeers(a, b);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    // Remove b from the config.
    b.applyConfChange(
        RaftUtil.asV2(
            ConfChange.newBuilder()
                .setType(ConfChangeType.ConfChangeRemoveNode)
                .setNodeId(2)
                .build()));
    assertThat(b.promotable()).isFalse();
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.StateLeader);
    assertThat(b.state).isEqualTo(StateType.StateFollower);
    assertThat(b.lead).isEqualTo(1);
  }

  /** TestDisruptiveFollower. */
  @Test
  void disruptiveFollowerWithoutPreVoteForcesLeaderDown() {
    Network n = Network.of(3, RaftElectionTest::checkQuorum);
    Raft n1 = n.peer(1);
    Raft n2 = n.peer(2);
    Raft n3 = n.peer(3);
    n.send(hup(1));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    n3.randomizedElectionTimeout = n3.electionTimeout + 2;
    for (int i = 0; i < n3.randomizedElectionTimeout; i++) {
      n3.tick();
    }
    // n3 timed out and became candidate at term 2; its votes were not delivered yet.
    assertThat(n3.state).isEqualTo(StateType.StateCandidate);
    assertThat(n1.term).isEqualTo(1);
    assertThat(n3.term).isEqualTo(2);
    // A heartbeat reaches n3, which answers with its higher term: the leader steps down.
    n.send(msg(1, 3, MessageType.MsgHeartbeat, n1.term));
    assertThat(n1.state).isEqualTo(StateType.StateFollower);
    assertThat(n1.term).isEqualTo(2);
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
  }

  /** TestDisruptiveFollowerPreVote, TestPreVoteWithCheckQuorum. */
  @Test
  void partitionedNodeWithPreVoteDoesNotDisruptLeader() {
    Network n = Network.of(3, b -> b.preVote(true).checkQuorum(true));
    Raft n1 = n.peer(1);
    Raft n3 = n.peer(3);
    n.send(hup(1));
    n.isolate(3);
    n.send(prop(1, "somedata"));
    n.send(prop(1, "somedata"));
    n.send(prop(1, "somedata"));
    n3.becomeFollower(n3.term, RaftUtil.NONE);
    n.send(hup(3));
    // Pre-vote fails (isolated): no term increase.
    assertThat(n3.state).isEqualTo(StateType.StatePreCandidate);
    assertThat(n3.term).isEqualTo(1);
    n.recover();
    n.send(msg(1, 3, MessageType.MsgHeartbeat, n1.term));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    assertThat(n1.term).isEqualTo(1);
  }

  /** TestPreVoteWithSplitVote. */
  @Test
  void preVoteSplitVoteResolvesInNextRound() {
    Network n = Network.of(3, RaftElectionTest::preVote);
    n.send(hup(1));
    n.isolate(1);
    n.send(hup(2), hup(3));
    // Each of 2 and 3 gets its own pre-vote and the other's, then splits the real vote.
    assertThat(n.peer(2).term).isEqualTo(2);
    assertThat(n.peer(3).term).isEqualTo(2);
    assertThat(n.peer(2).state).isEqualTo(StateType.StateCandidate);
    assertThat(n.peer(3).state).isEqualTo(StateType.StateCandidate);
    n.send(hup(2));
    assertThat(n.peer(2).term).isEqualTo(3);
    assertThat(n.peer(3).term).isEqualTo(3);
    assertThat(n.peer(2).state).isEqualTo(StateType.StateLeader);
    assertThat(n.peer(3).state).isEqualTo(StateType.StateFollower);
  }

  /** TestNodeWithSmallerTermCanCompleteElection. */
  @Test
  void nodeWithSmallerTermCanCompleteElectionWithPreVote() {
    Network n = Network.of(3, RaftElectionTest::preVote);
    n.cut(1, 3);
    n.cut(2, 3);
    n.send(hup(1));
    assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
    n.send(hup(3));
    assertThat(n.peer(3).state).isEqualTo(StateType.StatePreCandidate);
    n.send(hup(2));
    assertThat(n.peer(2).term).isEqualTo(2);
    n.recover();
    // Now 3 may win the pre-vote against 1 and eventually the election.
    n.cut(1, 2);
    n.cut(1, 3);
    n.send(hup(3));
    n.send(hup(2));
    assertThat(n.peer(2).state == StateType.StateLeader || n.peer(3).state == StateType.StateLeader)
        .isTrue();
  }

  /** TestLearnerElectionTimeout, TestLearnerCampaign. */
  @Test
  void learnerNeverCampaigns() {
    Raft n2 = newTestLearnerRaft(2, ids(1), ids(2), 10, 1, new MemoryStorage());
    n2.becomeFollower(1, RaftUtil.NONE);
    n2.randomizedElectionTimeout = n2.electionTimeout;
    for (int i = 0; i < n2.electionTimeout; i++) {
      n2.tick();
    }
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    step(n2, hup(2));
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    step(n2, msg(1, 2, MessageType.MsgTimeoutNow, 1));
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
  }

  /** TestLearnerPromotion. */
  @Test
  void learnerPromotedToVoterCanBecomeLeader() {
    Raft n1 = newTestLearnerRaft(1, ids(1), ids(2), 10, 1, new MemoryStorage());
    Raft n2 = newTestLearnerRaft(2, ids(1), ids(2), 10, 1, new MemoryStorage());
    n1.becomeFollower(1, RaftUtil.NONE);
    n2.becomeFollower(1, RaftUtil.NONE);
    Network n = Network.ofPeers(n1, n2);
    n1.randomizedElectionTimeout = n1.electionTimeout;
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    n.send(readMessages(n1).toArray(new Message[0]));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    n.send(msg(1, 1, MessageType.MsgBeat));

    ConfChange promote =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build();
    n1.applyConfChange(RaftUtil.asV2(promote));
    n2.applyConfChange(RaftUtil.asV2(promote));
    assertThat(n2.isLearner).isFalse();
    n2.randomizedElectionTimeout = n2.electionTimeout;
    for (int i = 0; i < n2.electionTimeout; i++) {
      n2.tick();
    }
    n.send(msg(2, 2, MessageType.MsgBeat));
    n.send(readMessages(n2).toArray(new Message[0]));
    assertThat(n2.state).isEqualTo(StateType.StateLeader);
    assertThat(n1.state).isEqualTo(StateType.StateFollower);
  }

  /** TestLearnerCanVote: a learner grants votes (it may be a voter in a newer config). */
  @Test
  void learnerAnswersVoteRequests() {
    Raft n2 = newTestLearnerRaft(2, ids(1), ids(2), 10, 1, new MemoryStorage());
    n2.becomeFollower(1, RaftUtil.NONE);
    step(
        n2,
        Message.newBuilder()
            .setFrom(1)
            .setTo(2)
            .setTerm(2)
            .setType(MessageType.MsgVote)
            .setLogTerm(11)
            .setIndex(11)
            .build());
    List<Message> msgs = readMessages(n2);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgVoteResp);
    assertThat(msgs.get(0).getReject()).isFalse();
  }

  /** TestCampaignWhileLeader, TestPreCampaignWhileLeader. */
  @Test
  void campaignWhileLeaderIsIgnored() {
    for (boolean preVote : new boolean[] {false, true}) {
      Raft r = raft(1, ids(1), b -> b.preVote(preVote));
      step(r, hup(1));
      assertThat(r.state).isEqualTo(StateType.StateLeader);
      long term = r.term;
      step(r, hup(1));
      assertThat(r.state).isEqualTo(StateType.StateLeader);
      assertThat(r.term).isEqualTo(term);
    }
  }

  /** TestCandidateResetTermMsgHeartbeat / MsgApp. */
  @Test
  void candidateResetsTermOnLeaderMessage() {
    for (MessageType mt : List.of(MessageType.MsgHeartbeat, MessageType.MsgApp)) {
      Network n = Network.of(3, Function.identity());
      n.send(hup(1));
      n.isolate(3);
      n.send(RaftTestUtil.beat(1));
      n.send(prop(1, ""));
      Raft c = n.peer(3);
      c.randomizedElectionTimeout = c.electionTimeout + 1;
      for (int i = 0; i < c.randomizedElectionTimeout; i++) {
        c.tick();
      }
      assertThat(c.state).isEqualTo(StateType.StateCandidate);
      n.recover();
      n.send(msg(1, 3, mt, n.peer(1).term));
      assertThat(c.state).isEqualTo(StateType.StateFollower);
      assertThat(c.term).isEqualTo(n.peer(1).term);
    }
  }

  /** TestPastElectionTimeout. */
  @Test
  void pastElectionTimeoutComparesAgainstRandomizedTimeout() {
    Raft r = newTestRaft(1, ids(1), 10, 1);
    r.electionElapsed = 10;
    r.randomizedElectionTimeout = 11;
    assertThat(r.pastElectionTimeout()).isFalse();
    r.electionElapsed = 11;
    assertThat(r.pastElectionTimeout()).isTrue();
  }

  /** The network kit's seeded loss: elections still succeed when some messages are lost. */
  @Test
  void electionEventuallySucceedsDespiteMessageLoss() {
    Network n = Network.of(5, Function.identity());
    for (long from = 1; from <= 5; from++) {
      for (long to = 1; to <= 5; to++) {
        if (from != to) {
          n.drop(from, to, 0.3);
        }
      }
    }
    int attempts = 0;
    while (n.peer(1).state != StateType.StateLeader && attempts++ < 50) {
      n.send(hup(1));
    }
    assertThat(n.peer(1).state).isEqualTo(StateType.StateLeader);
  }

  /** Restarting a node from its storage keeps its term and vote (the kit's restart). */
  @Test
  void restartedNodeKeepsPersistedTermAndVote() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    // Persist node 2's state as a server would, then restart it.
    Raft r2 = n.peer(2);
    MemoryStorage s2 = n.storage.get(2L);
    RaftTestUtil.nextEnts(r2, s2);
    s2.setHardState(r2.hardState());
    Raft restarted = n.restart(2);
    assertThat(restarted.term).isEqualTo(1);
    assertThat(restarted.vote).isEqualTo(1);
    assertThat(restarted.raftLog.lastIndex()).isEqualTo(r2.raftLog.lastIndex());
    assertThat(restarted.promotable()).isTrue();
    n.send(prop(1, "after restart"));
    assertThat(n.peer(2).raftLog.committed).isEqualTo(2);
  }

  /**
   * Cast and rejected votes are logged as etcd logs them (raft.go Step), from one helper; the
   * interaction traces compare these lines byte for byte.
   */
  @Test
  void voteDecisionsAreLoggedInEtcdFormat() {
    List<String> lines = new java.util.ArrayList<>();
    Logger capture =
        new Logger() {
          @Override
          public void debug(String format, Object... args) {}

          @Override
          public void info(String format, Object... args) {
            lines.add(String.format(format, args));
          }

          @Override
          public void warn(String format, Object... args) {}

          @Override
          public void error(String format, Object... args) {}
        };
    Raft r =
        new Raft(config(0xb, 10, 1, new MemoryStorage()).peers(0xa, 0xb).logger(capture).build());
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgVote)
            .setFrom(0xa)
            .setTo(0xb)
            .setTerm(1)
            .setLogTerm(0)
            .setIndex(0)
            .build());
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgVote)
            .setFrom(0xc)
            .setTo(0xb)
            .setTerm(1)
            .setLogTerm(0)
            .setIndex(0)
            .build());
    assertThat(lines)
        .contains(
            "b [logterm: 0, index: 0, vote: 0] cast MsgVote for a [logterm: 0, index: 0] at term 1",
            "b [logterm: 0, index: 0, vote: a] rejected MsgVote from c [logterm: 0, index: 0] at"
                + " term 1");
  }
}
