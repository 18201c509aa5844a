package io.etcdj.raft.quorum;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Two majority configs, incoming and outgoing, that must both agree during a joint-consensus
 * transition (etcd {@code quorum.JointConfig}). When not joint the outgoing half is empty, which
 * makes it agree with everything.
 *
 * <p>Mutable and not thread-safe; owned by the raft state's thread.
 */
public final class JointConfig {
  private final MajorityConfig incoming;
  private final MajorityConfig outgoing;

  public JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
    this.incoming = incoming;
    this.outgoing = outgoing;
  }

  public JointConfig() {
    this(new MajorityConfig(), new MajorityConfig());
  }

  public JointConfig copy() {
    return new JointConfig(incoming.copy(), outgoing.copy());
  }

  /** Voters[0]: the config being moved to (or the only one). */
  public MajorityConfig incoming() {
    return incoming;
  }

  /** Voters[1]: the config being left; empty unless joint. */
  public MajorityConfig outgoing() {
    return outgoing;
  }

  public boolean isJoint() {
    return !outgoing.isEmpty();
  }

  /** The union of both halves, ordered unsigned. */
  public SortedSet<Long> ids() {
    TreeSet<Long> all = new TreeSet<>(Long::compareUnsigned);
    all.addAll(incoming.ids());
    all.addAll(outgoing.ids());
    return all;
  }

  public boolean contains(long id) {
    return incoming.contains(id) || outgoing.contains(id);
  }

  /** The largest index committed by both halves. */
  public long committedIndex(AckedIndexer l) {
    return Math.min(incoming.committedIndex(l), outgoing.committedIndex(l));
  }

  /** Won only if both halves win; lost if either loses. */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    VoteResult r1 = incoming.voteResult(votes);
    VoteResult r2 = outgoing.voteResult(votes);
    if (r1 == r2) {
      return r1;
    }
    if (r1 == VoteResult.VoteLost || r2 == VoteResult.VoteLost) {
      return VoteResult.VoteLost;
    }
    return VoteResult.VotePending;
  }

  /** {@code (1 2 3)} or {@code (1 2 4)&&(1 2 3)} when joint, as etcd prints it. */
  @Override
  public String toString() {
    if (!outgoing.isEmpty()) {
      return incoming + "&&" + outgoing;
    }
    return incoming.toString();
  }
}
