package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.entries;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.newTestRaft;
import static io.etcdj.raft.RaftTestUtil.readMessages;
import static io.etcdj.raft.RaftTestUtil.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Review of the messages exchanged with Go etcd 3.4.23 peers: each case pins a field etcd's raft
 * sets (or reads) in the same situation. Single-threaded, like the rafts under test.
 */
class InteropReviewTest {

  /** 3.4's handleAppendEntries: a mismatch rejects m.index and hints the follower's last index. */
  @Test
  void followerRejectHintIsItsLastIndex() {
    MemoryStorage s = new MemoryStorage();
    s.append(entries(1, 1, 1, 2));
    Raft r = newTestRaft(2, ids(1, 2), 10, 1, s);
    r.becomeFollower(1, 1);
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setIndex(5)
            .setLogTerm(1)
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    Message m = msgs.get(0);
    assertThat(m.getType()).isEqualTo(MessageType.MsgAppResp);
    assertThat(m.getReject()).isTrue();
    assertThat(m.getIndex()).isEqualTo(5);
    assertThat(m.getRejectHint()).isEqualTo(2);
    assertThat(m.getTerm()).isEqualTo(1);
    assertThat(m.getFrom()).isEqualTo(2);
    assertThat(m.getTo()).isEqualTo(1);
  }

  /** A Go follower's reject (hint = its last index) moves the probe straight to hint + 1. */
  @Test
  void leaderJumpsToGoFollowersRejectHint() {
    MemoryStorage s = new MemoryStorage();
    s.append(entries(1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1, 10));
    s.setHardState(HardState.newBuilder().setTerm(1).build());
    Raft r = newTestRaft(1, ids(1, 2), 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgAppResp)
            .setFrom(2)
            .setTo(1)
            .setTerm(2)
            .setIndex(10)
            .setReject(true)
            .setRejectHint(3)
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    Message m = msgs.get(0);
    assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
    assertThat(m.getIndex()).isEqualTo(3);
    assertThat(m.getLogTerm()).isEqualTo(1);
    assertThat(m.getEntriesCount()).isEqualTo(8);
    assertThat(m.getEntries(0).getIndex()).isEqualTo(4);
    assertThat(m.getTerm()).isEqualTo(2);
  }

  /** A pre-vote for a future term is granted with the request's term and leaves ours alone. */
  @Test
  void preVoteForFutureTermAnsweredWithRequestTerm() {
    Raft r = newTestRaft(2, ids(1, 2, 3), 10, 1);
    r.becomeFollower(3, 0);
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgPreVote)
            .setFrom(1)
            .setTo(2)
            .setTerm(5)
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgPreVoteResp);
    assertThat(msgs.get(0).getReject()).isFalse();
    assertThat(msgs.get(0).getTerm()).isEqualTo(5);
    assertThat(r.term).isEqualTo(3);
    assertThat(r.vote).isEqualTo(0);
  }

  /** Heartbeat responses echo the read-index context a Go leader put in the heartbeat. */
  @Test
  void heartbeatResponseEchoesReadIndexContext() {
    Raft r = newTestRaft(2, ids(1, 2), 10, 1);
    r.becomeFollower(1, 1);
    ByteString ctx = ByteString.copyFromUtf8("ctx-1");
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgHeartbeat)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setContext(ctx)
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgHeartbeatResp);
    assertThat(msgs.get(0).getContext()).isEqualTo(ctx);
    assertThat(msgs.get(0).getTerm()).isEqualTo(1);
  }

  /** etcd member IDs are random uint64s: an ID with the high bit set must work like any other. */
  @Test
  void highBitMemberIdsElectAndReplicate() {
    long a = 0x8e9e05c52164694dL;
    long b = 0xfd422379fda50e48L;
    long c = 0x1L;
    Raft r = newTestRaft(a, ids(a, b, c), 10, 1);
    step(r, RaftTestUtil.hup(a));
    List<Message> votes = readMessages(r);
    assertThat(votes).extracting(Message::getTo).containsExactlyInAnyOrder(b, c);
    step(
        r,
        Message.newBuilder()
            .setType(MessageType.MsgVoteResp)
            .setFrom(b)
            .setTo(a)
            .setTerm(r.term)
            .build());
    assertThat(r.state).isEqualTo(StateType.StateLeader);
    List<Message> apps = readMessages(r);
    assertThat(apps).extracting(Message::getTo).containsExactlyInAnyOrder(b, c);
    assertThat(apps).allMatch(m -> m.getType() == MessageType.MsgApp && m.getFrom() == a);
  }
}
