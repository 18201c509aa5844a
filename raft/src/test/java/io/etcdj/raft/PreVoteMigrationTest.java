package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.config;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.msg;
import static io.etcdj.raft.RaftTestUtil.prop;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.MessageType;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade that turns pre-vote on: a node without pre-vote has raced ahead in term while
 * partitioned (etcd {@code TestPreVoteMigration*}).
 */
class PreVoteMigrationTest {

  /** n1 leader and n2 follower at term 1 with pre-vote; n3 (no pre-vote yet) at term 3. */
  private static Network migrationCluster() {
    Raft n1 =
        new Raft(config(1, 10, 1, new MemoryStorage()).peers(ids(1, 2, 3)).preVote(true).build());
    Raft n2 =
        new Raft(config(2, 10, 1, new MemoryStorage()).peers(ids(1, 2, 3)).preVote(true).build());
    Raft n3 = new Raft(config(3, 10, 1, new MemoryStorage()).peers(ids(1, 2, 3)).build());
    Network n = Network.ofPeers(n1, n2, n3);
    n.send(hup(1));
    n.isolate(3);
    n.send(prop(1, "some data"));
    n.send(hup(3));
    n.send(hup(3));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    assertThat(n3.state).isEqualTo(StateType.StateCandidate);
    assertThat(n1.term).isEqualTo(1);
    assertThat(n2.term).isEqualTo(1);
    assertThat(n3.term).isEqualTo(3);
    // n3 gets pre-vote on restart; the partition heals.
    n3.preVote = true;
    n.recover();
    return n;
  }

  /** TestPreVoteMigrationCanCompleteElection. */
  @Test
  void electionCompletesAfterMigration() {
    Network n = migrationCluster();
    Raft n2 = n.peer(2);
    Raft n3 = n.peer(3);
    n.isolate(1);
    n.send(hup(3));
    n.send(hup(2));
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    assertThat(n3.state).isEqualTo(StateType.StatePreCandidate);
    n.send(hup(3));
    n.send(hup(2));
    assertThat(n2.state == StateType.StateLeader || n3.state == StateType.StateFollower).isTrue();
  }

  /** TestPreVoteMigrationWithFreeStuckPreCandidate. */
  @Test
  void stuckPreCandidateIsFreedByLeaderHeartbeat() {
    Network n = migrationCluster();
    Raft n1 = n.peer(1);
    Raft n2 = n.peer(2);
    Raft n3 = n.peer(3);
    n.send(hup(3));
    assertThat(n1.state).isEqualTo(StateType.StateLeader);
    assertThat(n2.state).isEqualTo(StateType.StateFollower);
    assertThat(n3.state).isEqualTo(StateType.StatePreCandidate);
    n.send(hup(3));
    assertThat(n3.state).isEqualTo(StateType.StatePreCandidate);
    // The leader's heartbeat draws n3's higher term; the leader steps down so n3 can rejoin.
    n.send(msg(1, 3, MessageType.MsgHeartbeat, n1.term));
    assertThat(n1.state).isEqualTo(StateType.StateFollower);
    assertThat(n3.term).isEqualTo(n1.term);
  }
}
