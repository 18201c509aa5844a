package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeTransition;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A leader that demoted or removed itself keeps leading its term (etcd 3.4 raft does not step it
 * down). Two bugs 3.4.23 has there, fixed in later etcd-io/raft: the auto-leave proposal from
 * {@code advance} dereferencing the leader's own missing progress, and a read index answered at
 * once from the leader's own commit index when the one remaining voter is somebody else.
 *
 * <p>A tiny deterministic cluster of {@link RawNode}s; no ticks, so no elections unless asked.
 */
class DemotedLeaderTest {
  private final Map<Long, RawNode> nodes = new TreeMap<>();
  private final Map<Long, MemoryStorage> stores = new TreeMap<>();
  private final Set<Long> isolated = new HashSet<>();
  private final List<Message> inflight = new ArrayList<>();
  private final Map<Long, List<ReadState>> readStates = new TreeMap<>();

  private void bootstrap(long... ids) throws Exception {
    List<Peer> peers = new ArrayList<>();
    for (long id : ids) {
      peers.add(new Peer(id));
    }
    for (long id : ids) {
      MemoryStorage s = new MemoryStorage();
      RawNode rn = new RawNode(config(id, 10, 1, s).build());
      rn.bootstrap(peers);
      nodes.put(id, rn);
      stores.put(id, s);
      readStates.put(id, new ArrayList<>());
    }
    settle();
  }

  /** Handles every Ready and delivers every message until the cluster is quiet. */
  private void settle() throws Exception {
    for (int round = 0; round < 100; round++) {
      boolean busy = false;
      for (Map.Entry<Long, RawNode> e : nodes.entrySet()) {
        RawNode rn = e.getValue();
        while (rn.hasReady()) {
          Ready rd = rn.ready();
          RawNodeTest.persist(rd, stores.get(e.getKey()));
          inflight.addAll(rd.messages());
          readStates.get(e.getKey()).addAll(rd.readStates());
          RawNodeTest.applyConfChanges(rn, rd);
          rn.advance(rd);
          busy = true;
        }
      }
      List<Message> batch = new ArrayList<>(inflight);
      inflight.clear();
      for (Message m : batch) {
        if (isolated.contains(m.getFrom()) || isolated.contains(m.getTo())) {
          continue;
        }
        busy = true;
        try {
          nodes.get(m.getTo()).step(m);
        } catch (RaftException ignored) {
          // dropped proposals and unknown peers are normal here
        }
      }
      if (!busy) {
        return;
      }
    }
    throw new AssertionError("cluster did not settle");
  }

  private static ConfChangeV2 jointAutoLeave(ConfChangeType t, long id) {
    return ConfChangeV2.newBuilder()
        .setTransition(ConfChangeTransition.ConfChangeTransitionJointImplicit)
        .addChanges(ConfChangeSingle.newBuilder().setType(t).setNodeId(id))
        .build();
  }

  private void leaderDemotesItself() throws Exception {
    nodes.get(1L).campaign();
    settle();
    assertThat(nodes.get(1L).softState().raftState()).isEqualTo(StateType.StateLeader);
    nodes.get(1L).proposeConfChange(jointAutoLeave(ConfChangeType.ConfChangeAddLearnerNode, 1));
    settle();
    // Joint config entered and left automatically: 1 is a learner, and still leading.
    Status st = nodes.get(1L).status();
    assertThat(st.config().voters.isJoint()).isFalse();
    assertThat(st.config().learners.ids()).containsExactly(1L);
    assertThat(st.softState().raftState()).isEqualTo(StateType.StateLeader);
  }

  /**
   * Item 11(a): the learner-leader removes itself with an auto-leave joint change. Entering the
   * joint config drops its own progress; 3.4.23's advance then appends the leave entry through that
   * missing progress (NPE before the fix). Later raft steps the leave, which is dropped.
   */
  @Test
  void removedLearnerLeaderDoesNotProposeTheAutoLeave() throws Exception {
    bootstrap(1, 2, 3);
    leaderDemotesItself();
    RawNode old = nodes.get(1L);
    old.proposeConfChange(jointAutoLeave(ConfChangeType.ConfChangeRemoveNode, 1));
    settle(); // threw NullPointerException from RawNode.advance before the fix
    Status st = old.status();
    assertThat(st.config().voters.isJoint()).isTrue();
    List<Entry> log = stores.get(1L).entries(1, stores.get(1L).lastIndex() + 1, Long.MAX_VALUE);
    Entry last = log.get(log.size() - 1);
    assertThat(last.getType()).isEqualTo(EntryType.EntryConfChangeV2);
    assertThat(ConfChangeV2.parseFrom(last.getData()).getChangesCount()).isEqualTo(1);

    // A new leader among the remaining voters leaves the joint config.
    nodes.get(2L).campaign();
    settle();
    assertThat(nodes.get(2L).status().config().voters.isJoint()).isFalse();
    assertThat(nodes.get(2L).status().config().voters.incoming().ids()).containsExactly(2L, 3L);
  }

  /**
   * Item 11(b): the learner-leader of a config whose one voter is node 2 must not answer a read
   * index from its own commit index: node 2 may have been elected meanwhile (here, behind a
   * partition) and committed more. Before the fix the read came back at once, stale.
   */
  @Test
  void demotedLeaderDoesNotServeReadsForTheSingleOtherVoter() throws Exception {
    bootstrap(1, 2);
    leaderDemotesItself();
    isolated.add(1L);
    nodes.get(2L).campaign();
    settle();
    nodes.get(2L).propose(bytes("newer"));
    settle();
    long newCommit = nodes.get(2L).hardState().getCommit();
    assertThat(nodes.get(1L).hardState().getCommit()).isLessThan(newCommit);
    assertThat(nodes.get(1L).softState().raftState()).isEqualTo(StateType.StateLeader);

    nodes.get(1L).readIndex(bytes("read"));
    settle();
    assertThat(readStates.get(1L)).isEmpty();

    // Healed: the stale leader learns of term 2 and steps down; still no stale read.
    isolated.clear();
    nodes.get(1L).readIndex(bytes("read-2"));
    settle();
    assertThat(readStates.get(1L)).allMatch(rs -> rs.index() >= newCommit);
  }
}
