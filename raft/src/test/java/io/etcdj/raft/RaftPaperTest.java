package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.entry;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.nextEnts;
import static io.etcdj.raft.RaftTestUtil.prop;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Raft paper's §5 behaviours (etcd {@code raft_paper_test.go}): elections, log replication and
 * safety. Each test cites the paper section.
 */
class RaftPaperTest {

  private static void becomeLeaderOf(Raft r) {
    r.becomeCandidate();
    r.becomeLeader();
  }

  /** Accepts all appends from the leader so it can commit (etcd {@code commitNoopEntry}). */
  private static void commitNoopEntry(Raft r, MemoryStorage s) {
    assertThat(r.state).isEqualTo(StateType.StateLeader);
    r.bcastAppend();
    for (Message m : readMessages(r)) {
      assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
      assertThat(m.getEntriesCount()).isEqualTo(1);
      assertThat(m.getEntries(0).getData().isEmpty()).isTrue();
      step(r, acceptAndReply(m));
    }
    readMessages(r);
    s.append(r.raftLog.unstableEntries());
    r.raftLog.appliedTo(r.raftLog.committed);
    r.raftLog.stableTo(r.raftLog.lastIndex(), r.raftLog.lastTerm());
  }

  private static Message acceptAndReply(Message m) {
    assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
    return Message.newBuilder()
        .setFrom(m.getTo())
        .setTo(m.getFrom())
        .setTerm(m.getTerm())
        .setType(MessageType.MsgAppResp)
        .setIndex(m.getIndex() + m.getEntriesCount())
        .build();
  }

  /** TestFollowerUpdateTermFromMessage etc. Reference: section 5.1. */
  @Test
  void anyRoleAdoptsHigherTermAndBecomesFollower() {
    for (StateType st :
        List.of(StateType.StateFollower, StateType.StateCandidate, StateType.StateLeader)) {
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
      switch (st) {
        case StateFollower -> r.becomeFollower(1, 2);
        case StateCandidate -> r.becomeCandidate();
        default -> becomeLeaderOf(r);
      }
      step(r, msg(0, 1, MessageType.MsgApp, 2));
      assertThat(r.term).isEqualTo(2);
      assertThat(r.state).isEqualTo(StateType.StateFollower);
    }
  }

  /** TestRejectStaleTermMessage. Reference: section 5.1. */
  @Test
  void staleTermMessagesAreIgnored() {
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
    r.loadState(HardState.newBuilder().setTerm(2).build());
    step(r, msg(0, 1, MessageType.MsgApp, 1));
    assertThat(r.raftLog.lastIndex()).isZero();
    assertThat(readMessages(r)).isEmpty();
  }

  /** TestStartAsFollower. Reference: section 5.2. */
  @Test
  void startsAsFollower() {
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
    assertThat(r.state).isEqualTo(StateType.StateFollower);
  }

  /** TestLeaderBcastBeat. Reference: section 5.2. */
  @Test
  void leaderSendsHeartbeatsEveryHeartbeatTimeout() {
    int hi = 1;
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, hi);
    becomeLeaderOf(r);
    for (int i = 0; i < 10; i++) {
      r.appendEntry(List.of(Entry.newBuilder().setIndex(i + 1).build()));
    }
    readMessages(r);
    for (int i = 0; i < hi; i++) {
      r.tick();
    }
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(2);
    for (Message m : msgs) {
      assertThat(m.getType()).isEqualTo(MessageType.MsgHeartbeat);
      assertThat(m.getTerm()).isEqualTo(1);
      assertThat(m.getCommit()).isZero();
    }
    assertThat(msgs.stream().map(Message::getTo)).containsExactlyInAnyOrder(2L, 3L);
  }

  /** TestFollowerStartElection, TestCandidateStartNewElection. Reference: section 5.2. */
  @Test
  void electionTimeoutStartsElectionWithVotesToAll() {
    for (boolean candidate : new boolean[] {false, true}) {
      int et = 10;
      Raft r = newTestRaft(1, ids(1, 2, 3), et, 1);
      if (candidate) {
        r.becomeCandidate();
      } else {
        r.becomeFollower(1, 2);
      }
      long before = r.term;
      for (int i = 1; i < 2 * et; i++) {
        r.tick();
      }
      assertThat(r.term).isEqualTo(before + 1);
      assertThat(r.state).isEqualTo(StateType.StateCandidate);
      assertThat(r.prs.tallyVotes().granted()).isEqualTo(1);
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(2);
      for (Message m : msgs) {
        assertThat(m.getType()).isEqualTo(MessageType.MsgVote);
        assertThat(m.getTerm()).isEqualTo(before + 1);
      }
    }
  }

  /** TestLeaderElectionInOneRoundRPC. Reference: section 5.2. */
  @Test
  void electionOutcomeDependsOnVoteCount() {
    record Case(int size, List<Long> granted, List<Long> rejected, StateType want) {}
    List<Case> cases =
        List.of(
            new Case(1, List.<Long>of(), List.<Long>of(), StateType.StateLeader),
            new Case(3, List.<Long>of(2L, 3L), List.<Long>of(), StateType.StateLeader),
            new Case(3, List.<Long>of(2L), List.<Long>of(), StateType.StateLeader),
            new Case(5, List.<Long>of(2L, 3L, 4L, 5L), List.<Long>of(), StateType.StateLeader),
            new Case(5, List.<Long>of(2L, 3L), List.<Long>of(), StateType.StateLeader),
            new Case(3, List.<Long>of(), List.<Long>of(2L, 3L), StateType.StateFollower),
            new Case(5, List.<Long>of(), List.<Long>of(2L, 3L, 4L), StateType.StateFollower),
            new Case(3, List.<Long>of(), List.<Long>of(), StateType.StateCandidate),
            new Case(5, List.<Long>of(2L), List.<Long>of(), StateType.StateCandidate),
            new Case(5, List.<Long>of(2L), List.<Long>of(3L), StateType.StateCandidate));
    for (Case c : cases) {
      long[] peers = new long[c.size];
      for (int i = 0; i < c.size; i++) {
        peers[i] = i + 1L;
      }
      Raft r = newTestRaft(1, peers, 10, 1);
      step(r, hup(1));
      for (long id : c.granted) {
        step(r, voteResp(id, r.term, false));
      }
      for (long id : c.rejected) {
        step(r, voteResp(id, r.term, true));
      }
      assertThat(r.state).as("size %d", c.size).isEqualTo(c.want);
      assertThat(r.term).isEqualTo(1);
    }
  }

  private static Message voteResp(long from, long term, boolean reject) {
    return Message.newBuilder()
        .setFrom(from)
        .setTo(1)
        .setTerm(term)
        .setType(MessageType.MsgVoteResp)
        .setReject(reject)
        .build();
  }

  /** TestFollowerVote. Reference: section 5.2. */
  @Test
  void followerVotesForAtMostOneCandidatePerTerm() {
    long[][] cases = {{0, 1, 0}, {0, 2, 0}, {1, 1, 0}, {2, 2, 0}, {1, 2, 1}, {2, 1, 1}};
    for (long[] c : cases) {
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
      r.loadState(HardState.newBuilder().setTerm(1).setVote(c[0]).build());
      step(r, msg(c[1], 1, MessageType.MsgVote, 1));
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(1);
      assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgVoteResp);
      assertThat(msgs.get(0).getReject()).isEqualTo(c[2] == 1);
    }
  }

  /** TestCandidateFallback. Reference: section 5.2. */
  @Test
  void candidateFallsBackOnAppendFromLeaderOfSameOrHigherTerm() {
    for (long term : new long[] {1, 2}) {
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
      step(r, hup(1));
      assertThat(r.state).isEqualTo(StateType.StateCandidate);
      step(r, msg(2, 1, MessageType.MsgApp, term));
      assertThat(r.state).isEqualTo(StateType.StateFollower);
      assertThat(r.term).isEqualTo(term);
    }
  }

  /** TestFollowerElectionTimeoutRandomized. Reference: section 5.2. */
  @Test
  void electionTimeoutIsRandomizedInOneToTwoTimesRange() {
    int et = 10;
    Raft r = newTestRaft(1, ids(1, 2, 3), et, 1);
    Set<Integer> timeouts = new HashSet<>();
    for (int round = 0; round < 50 * et; round++) {
      r.becomeFollower(r.term + 1, 2);
      int time = 0;
      while (readMessages(r).isEmpty()) {
        r.tick();
        time++;
      }
      timeouts.add(time);
    }
    for (int d = et + 1; d < 2 * et; d++) {
      assertThat(timeouts).contains(d);
    }
    assertThat(timeouts).allMatch(t -> t >= et && t < 2 * et);
  }

  /** TestFollowersElectionTimeoutNonconflict. Reference: section 5.2. */
  @Test
  void followersRarelyTimeOutTogether() {
    int et = 10;
    int size = 5;
    int conflicts = 0;
    for (int round = 0; round < 1000; round++) {
      List<Raft> rs = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Raft r =
            new Raft(
                RaftTestUtil.config(i + 1, et, 1, new MemoryStorage())
                    .peers(ids(1, 2, 3, 4, 5))
                    .random(new java.util.Random(round * 31L + i))
                    .build());
        rs.add(r);
      }
      int timeouts = 0;
      while (timeouts == 0) {
        for (Raft r : rs) {
          r.tick();
          if (!readMessages(r).isEmpty()) {
            timeouts++;
          }
        }
      }
      if (timeouts > 1) {
        conflicts++;
      }
    }
    assertThat(conflicts / 1000.0).isLessThanOrEqualTo(0.3);
  }

  /** TestLeaderStartReplication. Reference: section 5.3. */
  @Test
  void leaderAppendsProposalAndReplicates() {
    MemoryStorage s = new MemoryStorage();
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
    becomeLeaderOf(r);
    commitNoopEntry(r, s);
    long li = r.raftLog.lastIndex();
    step(r, prop(1, "some data"));
    assertThat(r.raftLog.lastIndex()).isEqualTo(li + 1);
    assertThat(r.raftLog.committed).isEqualTo(li);
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(2);
    Entry want =
        Entry.newBuilder()
            .setTerm(1)
            .setIndex(li + 1)
            .setType(io.etcdj.proto.raftpb.EntryType.EntryNormal)
            .setData(bytes("some data"))
            .build();
    for (Message m : msgs) {
      assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
      assertThat(m.getIndex()).isEqualTo(li);
      assertThat(m.getLogTerm()).isEqualTo(1);
      assertThat(m.getCommit()).isEqualTo(li);
      assertThat(m.getEntriesList()).containsExactly(want);
    }
    assertThat(r.raftLog.unstableEntries()).containsExactly(want);
  }

  /** TestLeaderCommitEntry, TestLeaderAcknowledgeCommit. Reference: section 5.3. */
  @Test
  void leaderCommitsOnceMajorityAcknowledges() {
    MemoryStorage s = new MemoryStorage();
    Raft r = newTestRaft(1, ids(1, 2, 3, 4, 5), 10, 1, s);
    becomeLeaderOf(r);
    commitNoopEntry(r, s);
    long li = r.raftLog.lastIndex();
    step(r, prop(1, "some data"));
    List<Message> msgs = readMessages(r);
    step(r, acceptAndReply(msgs.get(0)));
    assertThat(r.raftLog.committed).isEqualTo(li);
    step(r, acceptAndReply(msgs.get(1)));
    assertThat(r.raftLog.committed).isEqualTo(li + 1);
    assertThat(nextEnts(r, s)).extracting(Entry::getData).containsExactly(bytes("some data"));
    // Followers learn the new commit index from the next appends.
    for (Message m : readMessages(r)) {
      assertThat(m.getCommit()).isEqualTo(li + 1);
    }
  }

  /** TestLeaderCommitPrecedingEntries. Reference: section 5.3. */
  @Test
  void committingCurrentTermEntryCommitsPrecedingOnes() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(2, 1), entry(2, 2)));
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
    r.loadState(HardState.newBuilder().setTerm(2).build());
    becomeLeaderOf(r);
    step(r, prop(1, "x"));
    for (Message m : readMessages(r)) {
      step(r, acceptAndReply(m));
    }
    long li = 2;
    List<Entry> ents = nextEnts(r, s);
    assertThat(ents).extracting(Entry::getIndex).containsExactly(1L, 2L, li + 1, li + 2);
    assertThat(ents.get(2).getTerm()).isEqualTo(3);
  }

  /** TestFollowerCommitEntry. Reference: section 5.3. */
  @Test
  void followerCommitsWhatLeaderCommitted() {
    MemoryStorage s = new MemoryStorage();
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
    r.becomeFollower(1, 2);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgApp)
            .setTerm(1)
            .addEntries(entry(1, 1, "some data"))
            .addEntries(entry(1, 2, "some data2"))
            .setCommit(1)
            .build());
    assertThat(r.raftLog.committed).isEqualTo(1);
    assertThat(nextEnts(r, s)).containsExactly(entry(1, 1, "some data"));
  }

  /** TestFollowerCheckMsgApp. Reference: section 5.3. */
  @Test
  void followerRejectsAppendThatDoesNotMatchWithHint() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(1, 1), entry(2, 2)));
    long[][] cases = {
      // term, index, wantIndex, wantReject, wantHint
      {0, 0, 1, 0, 0}, {1, 1, 1, 0, 0}, {2, 2, 2, 0, 0}, {1, 2, 2, 1, 2}, {3, 3, 3, 1, 2}
    };
    for (long[] c : cases) {
      Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
      r.loadState(HardState.newBuilder().setCommit(1).build());
      r.becomeFollower(2, 2);
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setTo(1)
              .setType(MessageType.MsgApp)
              .setTerm(2)
              .setLogTerm(c[0])
              .setIndex(c[1])
              .build());
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(1);
      Message m = msgs.get(0);
      assertThat(m.getType()).isEqualTo(MessageType.MsgAppResp);
      assertThat(m.getTerm()).isEqualTo(2);
      assertThat(m.getIndex()).isEqualTo(c[2]);
      assertThat(m.getReject()).isEqualTo(c[3] == 1);
      assertThat(m.getRejectHint()).isEqualTo(c[4]);
    }
  }

  /** TestFollowerAppendEntries. Reference: section 5.3. */
  @Test
  void followerTruncatesConflictingSuffixAndAppends() {
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(entry(1, 1), entry(2, 2)));
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1, s);
    r.becomeFollower(2, 2);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgApp)
            .setTerm(2)
            .setLogTerm(1)
            .setIndex(1)
            .addEntries(entry(3, 2))
            .addEntries(entry(4, 3))
            .build());
    assertThat(r.raftLog.allEntries()).containsExactly(entry(1, 1), entry(3, 2), entry(4, 3));
    assertThat(r.raftLog.unstableEntries()).containsExactly(entry(3, 2), entry(4, 3));
  }

  /** TestLeaderSyncFollowerLog. Reference: section 5.3, figure 7. */
  @Test
  void leaderBringsDivergentFollowerLogsInLine() {
    long[] leaderTerms = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
    long[][] followers = {
      {1, 1, 1, 4, 4, 5, 5, 6, 6},
      {1, 1, 1, 4},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
      {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7},
      {1, 1, 1, 4, 4, 4, 4},
      {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},
    };
    long term = 8;
    for (long[] fterms : followers) {
      MemoryStorage ls = storageWith(leaderTerms);
      Raft lead = newTestRaft(1, ids(1, 2, 3), 10, 1, ls);
      lead.loadState(HardState.newBuilder().setCommit(leaderTerms.length).setTerm(term).build());
      MemoryStorage fs = storageWith(fterms);
      Raft follower = newTestRaft(2, ids(1, 2, 3), 10, 1, fs);
      follower.loadState(HardState.newBuilder().setTerm(term - 1).build());
      // Node 3 votes for 1 so it wins; etcd uses a black hole for it.
      Network n = Network.ofPeers(lead, follower, Network.BLACK_HOLE);
      n.send(hup(1));
      n.send(voteResp(3, term + 1, false).toBuilder().setTo(1).build());
      n.send(prop(1, ""));
      assertThat(follower.raftLog.allEntries()).isEqualTo(lead.raftLog.allEntries());
    }
  }

  private static MemoryStorage storageWith(long[] terms) {
    MemoryStorage s = new MemoryStorage();
    List<Entry> ents = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      ents.add(entry(terms[i], i + 1));
    }
    s.append(ents);
    return s;
  }

  /** TestVoteRequest. Reference: section 5.4.1. */
  @Test
  void voteRequestCarriesLastLogTermAndIndex() {
    Raft r = newTestRaft(1, ids(1, 2, 3), 10, 1);
    step(
        r,
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgApp)
            .setTerm(2)
            .setLogTerm(0)
            .setIndex(0)
            .addEntries(entry(1, 1))
            .addEntries(entry(2, 2))
            .build());
    readMessages(r);
    for (int i = 1; i < r.electionTimeout * 2; i++) {
      r.tick();
    }
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(2);
    for (Message m : msgs) {
      assertThat(m.getType()).isEqualTo(MessageType.MsgVote);
      assertThat(m.getIndex()).isEqualTo(2);
      assertThat(m.getLogTerm()).isEqualTo(2);
      assertThat(m.getTerm()).isEqualTo(3);
    }
  }

  /** TestVoter. Reference: section 5.4.1. */
  @Test
  void voterRejectsCandidatesWithStaleLogs() {
    // ents terms, logterm, index, reject
    Object[][] cases = {
      {new long[] {1}, 1L, 1L, false},
      {new long[] {1}, 1L, 2L, false},
      {new long[] {1, 1}, 1L, 1L, true},
      {new long[] {1}, 2L, 1L, false},
      {new long[] {1}, 2L, 2L, false},
      {new long[] {1, 1}, 2L, 1L, false},
      {new long[] {2}, 1L, 1L, true},
      {new long[] {2}, 1L, 2L, true},
      {new long[] {2, 1}, 1L, 1L, true},
    };
    for (Object[] c : cases) {
      MemoryStorage s = storageWith((long[]) c[0]);
      Raft r = newTestRaft(1, ids(1, 2), 10, 1, s);
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setTo(1)
              .setType(MessageType.MsgVote)
              .setTerm(3)
              .setLogTerm((Long) c[1])
              .setIndex((Long) c[2])
              .build());
      List<Message> msgs = readMessages(r);
      assertThat(msgs).hasSize(1);
      assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgVoteResp);
      assertThat(msgs.get(0).getReject()).isEqualTo(c[3]);
    }
  }

  /** TestLeaderOnlyCommitsLogFromCurrentTerm. Reference: section 5.4.2. */
  @Test
  void leaderOnlyCommitsByCountingCurrentTermReplicas() {
    long[][] cases = {{1, 0}, {2, 0}, {3, 3}};
    for (long[] c : cases) {
      MemoryStorage s = new MemoryStorage();
      s.append(List.of(entry(1, 1), entry(2, 2)));
      Raft r = newTestRaft(1, ids(1, 2), 10, 1, s);
      r.loadState(HardState.newBuilder().setTerm(2).build());
      // Become leader at term 3.
      r.becomeCandidate();
      r.becomeLeader();
      readMessages(r);
      step(
          r,
          Message.newBuilder()
              .setFrom(2)
              .setTo(1)
              .setType(MessageType.MsgAppResp)
              .setTerm(r.term)
              .setIndex(c[0])
              .build());
      assertThat(r.raftLog.committed).as("index %d", c[0]).isEqualTo(c[1]);
    }
  }
}
