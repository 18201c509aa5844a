package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static io.etcdj.raft.RaftTestUtil.entry;
import static io.etcdj.raft.RaftTestUtil.hup;
import static io.etcdj.raft.RaftTestUtil.ids;
import static io.etcdj.raft.RaftTestUtil.newTestLearnerRaft;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Read index, safe and lease-based (etcd {@code TestReadOnly*}). */
class ReadIndexTest {

  private static Message readIndex(long id, String ctx) {
    return Message.newBuilder()
        .setFrom(id)
        .setTo(id)
        .setType(MessageType.MsgReadIndex)
        .addEntries(Entry.newBuilder().setData(bytes(ctx)))
        .build();
  }

  private static Message emptyProp() {
    return Message.newBuilder()
        .setFrom(1)
        .setTo(1)
        .setType(MessageType.MsgProp)
        .addEntries(Entry.getDefaultInstance())
        .build();
  }

  private static void runReadScenario(Function<Config.Builder, Config.Builder> f) {
    Network n = Network.of(3, f);
    Raft a = n.peer(1);
    Raft b = n.peer(2);
    Raft c = n.peer(3);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.StateLeader);
    Raft[] order = {a, b, c, a, b, c};
    for (int i = 0; i < order.length; i++) {
      for (int j = 0; j < 10; j++) {
        n.send(emptyProp());
      }
      String ctx = "ctx" + (i + 1);
      Raft r = order[i];
      n.send(readIndex(r.id, ctx));
      assertThat(r.readStates).as("case %d", i).isNotEmpty();
      ReadState rs = r.readStates.get(0);
      assertThat(rs.index()).isEqualTo(11 + 10L * i);
      assertThat(rs.requestCtx()).isEqualTo(bytes(ctx));
      r.readStates = new ArrayList<>();
    }
  }

  /** TestReadOnlyOptionSafe. */
  @Test
  void safeReadIndexIsConfirmedByHeartbeatQuorum() {
    runReadScenario(Function.identity());
  }

  /** TestReadOnlyOptionLease. */
  @Test
  void leaseBasedReadIndexAnswersImmediately() {
    runReadScenario(b -> b.readOnlyOption(ReadOnlyOption.ReadOnlyLeaseBased).checkQuorum(true));
  }

  /** TestReadOnlyOptionSafe: the read is answered only after a quorum acknowledges. */
  @Test
  void safeReadIndexWaitsForQuorumAck() {
    Network n = Network.of(3, Function.identity());
    n.send(hup(1));
    Raft a = n.peer(1);
    n.isolate(1);
    n.send(readIndex(1, "ctx"));
    assertThat(a.readStates).isEmpty();
    n.recover();
    n.send(RaftTestUtil.beat(1));
    assertThat(a.readStates).hasSize(1);
    assertThat(a.readStates.get(0).requestCtx()).isEqualTo(bytes("ctx"));
  }

  /** TestReadOnlyWithLearner. */
  @Test
  void learnerReadsThroughLeader() {
    Raft a = newTestLearnerRaft(1, ids(1), ids(2), 10, 1, new MemoryStorage());
    Raft b = newTestLearnerRaft(2, ids(1), ids(2), 10, 1, new MemoryStorage());
    Network n = Network.ofPeers(a, b);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    n.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.StateLeader);
    for (int i = 0; i < 10; i++) {
      n.send(emptyProp());
    }
    n.send(readIndex(2, "ctx"));
    assertThat(b.readStates).hasSize(1);
    assertThat(b.readStates.get(0).index()).isEqualTo(11);
  }

  /** TestReadOnlyForNewLeader: reads wait until the new leader commits in its own term. */
  @Test
  void newLeaderDefersReadsUntilItCommitsInItsTerm() throws Exception {
    long[][] nodes = {{1, 1, 1, 0}, {2, 2, 2, 2}, {3, 2, 2, 2}};
    Object[] peers = new Object[3];
    for (int i = 0; i < 3; i++) {
      long[] c = nodes[i];
      MemoryStorage s = new MemoryStorage();
      s.append(List.of(entry(1, 1), entry(1, 2)));
      s.setHardState(HardState.newBuilder().setTerm(1).setCommit(c[1]).build());
      if (c[3] != 0) {
        s.compact(c[3]);
      }
      peers[i] = new Raft(config(c[0], 10, 1, s).applied(c[2]).peers(ids(1, 2, 3)).build());
    }
    Network n = Network.ofPeers(peers);
    n.ignore(MessageType.MsgApp);
    n.send(hup(1));
    Raft sm = n.peer(1);
    assertThat(sm.state).isEqualTo(StateType.StateLeader);
    n.send(readIndex(1, "ctx"));
    assertThat(sm.readStates).isEmpty();
    n.recover();
    for (int i = 0; i < sm.heartbeatTimeout; i++) {
      sm.tick();
    }
    n.send(emptyProp());
    assertThat(sm.raftLog.committed).isEqualTo(4);
    assertThat(sm.readStates).hasSize(1);
    assertThat(sm.readStates.get(0).index()).isEqualTo(4);
    n.send(readIndex(1, "ctx"));
    assertThat(sm.readStates).hasSize(2);
    assertThat(sm.readStates.get(1).index()).isEqualTo(4);
    assertThat(sm.readStates.get(1).requestCtx()).isEqualTo(ByteString.copyFromUtf8("ctx"));
  }
}
