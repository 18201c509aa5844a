package io.etcdj.raft.confchange;

import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a membership from a ConfState (etcd {@code confchange.Restore}) by replaying changes
 * that lead to it from an empty config: the outgoing voters are added one by one, then the joint
 * config is entered with the incoming side. Reusing the Changer means restored states obey the same
 * invariants as live ones.
 *
 * <p>Not thread-safe; used on the raft state's thread.
 */
public final class Restore {
  private Restore() {}

  /**
   * Restores {@code cs} on top of {@code tracker}, which should be empty.
   *
   * @param lastIndex the last log index, where new progress starts probing
   */
  public static Changer.Result restore(ProgressTracker tracker, long lastIndex, ConfState cs)
      throws ConfChangeException {
    List<ConfChangeSingle> outgoing = new ArrayList<>();
    List<ConfChangeSingle> incoming = new ArrayList<>();
    for (long id : cs.getVotersOutgoingList()) {
      outgoing.add(single(ConfChangeType.ConfChangeAddNode, id));
    }
    // The joint change starts from the outgoing config, so first remove those voters from the
    // incoming side, then add the real incoming voters and learners.
    for (long id : cs.getVotersOutgoingList()) {
      incoming.add(single(ConfChangeType.ConfChangeRemoveNode, id));
    }
    for (long id : cs.getVotersList()) {
      incoming.add(single(ConfChangeType.ConfChangeAddNode, id));
    }
    for (long id : cs.getLearnersList()) {
      incoming.add(single(ConfChangeType.ConfChangeAddLearnerNode, id));
    }
    // Learners-next are voters of the outgoing side being demoted; adding them as learners while
    // joint stages them in learnersNext.
    for (long id : cs.getLearnersNextList()) {
      incoming.add(single(ConfChangeType.ConfChangeAddLearnerNode, id));
    }

    ProgressTracker t = tracker;
    Changer.Result r = new Changer.Result(t.config, t.progress);
    if (outgoing.isEmpty()) {
      for (ConfChangeSingle cc : incoming) {
        r = new Changer(t, lastIndex).simple(List.of(cc));
        t = install(t, r);
      }
    } else {
      for (ConfChangeSingle cc : outgoing) {
        r = new Changer(t, lastIndex).simple(List.of(cc));
        t = install(t, r);
      }
      r = new Changer(t, lastIndex).enterJoint(cs.getAutoLeave(), incoming);
    }
    return r;
  }

  private static ConfChangeSingle single(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }

  private static ProgressTracker install(ProgressTracker base, Changer.Result r) {
    ProgressTracker t = new ProgressTracker(base.maxInflight());
    t.config = r.config();
    t.progress = r.progress();
    return t;
  }
}
