package io.etcdj.raft.tracker;

import io.etcdj.raft.quorum.JointConfig;
import io.etcdj.raft.quorum.MajorityConfig;

/**
 * The membership: voters (possibly joint), learners, and learners waiting for the joint config to
 * be left (etcd {@code tracker.Config}).
 *
 * <p>{@code learnersNext} holds voters being demoted while joint: they still vote in the outgoing
 * half and become learners when the joint config is left, since a node may not be a voter and a
 * learner at once.
 *
 * <p>Mutable and not thread-safe; owned by the raft state's thread. {@link #copy()} before sharing.
 */
public final class TrackerConfig {
  public final JointConfig voters;

  /** Leave the joint config automatically once it is applied. */
  public boolean autoLeave;

  public final MajorityConfig learners;
  public final MajorityConfig learnersNext;

  public TrackerConfig(
      JointConfig voters, boolean autoLeave, MajorityConfig learners, MajorityConfig learnersNext) {
    this.voters = voters;
    this.autoLeave = autoLeave;
    this.learners = learners;
    this.learnersNext = learnersNext;
  }

  public TrackerConfig() {
    this(new JointConfig(), false, new MajorityConfig(), new MajorityConfig());
  }

  public TrackerConfig copy() {
    return new TrackerConfig(voters.copy(), autoLeave, learners.copy(), learnersNext.copy());
  }

  /** {@code voters=(1 2 3) learners=(4) learners_next=(5) autoleave}, as etcd prints it. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("voters=").append(voters);
    if (!learners.isEmpty()) {
      b.append(" learners=").append(learners);
    }
    if (!learnersNext.isEmpty()) {
      b.append(" learners_next=").append(learnersNext);
    }
    if (autoLeave) {
      b.append(" autoleave");
    }
    return b.toString();
  }
}
