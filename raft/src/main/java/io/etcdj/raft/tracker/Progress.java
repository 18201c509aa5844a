package io.etcdj.raft.tracker;

/**
 * The leader's view of one follower's log (etcd {@code tracker.Progress}): the highest index known
 * to match ({@code match}), the next index to send ({@code next}), and the replication state.
 *
 * <p>Mutable and not thread-safe; owned by the raft state's thread. Status reports use {@link
 * #copy()}.
 */
public final class Progress {
  public long match;
  public long next;
  public ProgressState state = ProgressState.StateProbe;

  /** In StateSnapshot, the index of the snapshot being sent. */
  public long pendingSnapshot;

  /** Heard from since the last check-quorum round. */
  public boolean recentActive;

  /** In StateProbe, an append was sent and no answer has come yet, so sending is paused. */
  public boolean probeSent;

  public Inflights inflights;
  public boolean isLearner;

  public Progress(long match, long next, int maxInflight, boolean isLearner, boolean recentActive) {
    this.match = match;
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
    this.recentActive = recentActive;
  }

  private Progress() {}

  /** A deep copy (inflights included). */
  public Progress copy() {
    Progress p = new Progress();
    p.match = match;
    p.next = next;
    p.state = state;
    p.pendingSnapshot = pendingSnapshot;
    p.recentActive = recentActive;
    p.probeSent = probeSent;
    p.inflights = inflights.copy();
    p.isLearner = isLearner;
    return p;
  }

  private void resetState(ProgressState s) {
    probeSent = false;
    pendingSnapshot = 0;
    state = s;
    inflights.reset();
  }

  public void probeAcked() {
    probeSent = false;
  }

  /** Back to probing; after a snapshot, resume past it. */
  public void becomeProbe() {
    if (state == ProgressState.StateSnapshot) {
      long pending = pendingSnapshot;
      resetState(ProgressState.StateProbe);
      next = Math.max(match + 1, pending + 1);
    } else {
      resetState(ProgressState.StateProbe);
      next = match + 1;
    }
  }

  public void becomeReplicate() {
    resetState(ProgressState.StateReplicate);
    next = match + 1;
  }

  public void becomeSnapshot(long snapshotIndex) {
    resetState(ProgressState.StateSnapshot);
    pendingSnapshot = snapshotIndex;
  }

  /**
   * Handles an acknowledgement of index {@code n}; returns whether {@code match} grew (an old,
   * reordered acknowledgement returns false).
   */
  public boolean maybeUpdate(long n) {
    boolean updated = false;
    if (match < n) {
      match = n;
      updated = true;
      probeAcked();
    }
    if (next < n + 1) {
      next = n + 1;
    }
    return updated;
  }

  /** In StateReplicate, entries up to {@code n} have been sent. */
  public void optimisticUpdate(long n) {
    next = n + 1;
  }

  /**
   * Handles a rejection of the append at {@code rejected}; {@code last} is the follower's last
   * index (the reject hint). Returns false if the rejection is stale and must be ignored.
   */
  public boolean maybeDecrTo(long rejected, long last) {
    if (state == ProgressState.StateReplicate) {
      // Rejections at or below match are stale reorderings.
      if (rejected <= match) {
        return false;
      }
      // Fall back to what is known to match; the caller moves us to probing.
      next = match + 1;
      return true;
    }
    // In probe state only the rejection of the last probe counts.
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.min(rejected, last + 1);
    if (next < 1) {
      next = 1;
    }
    probeSent = false;
    return true;
  }

  /** Whether the leader should hold off sending appends to this follower. */
  public boolean isPaused() {
    return switch (state) {
      case StateProbe -> probeSent;
      case StateReplicate -> inflights.full();
      case StateSnapshot -> true;
    };
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(state).append(" match=").append(match).append(" next=").append(next);
    if (isLearner) {
      b.append(" learner");
    }
    if (isPaused()) {
      b.append(" paused");
    }
    if (pendingSnapshot > 0) {
      b.append(" pendingSnap=").append(pendingSnapshot);
    }
    if (!recentActive) {
      b.append(" inactive");
    }
    int n = inflights.count();
    if (n > 0) {
      b.append(" inflight=").append(n);
      if (inflights.full()) {
        b.append("[full]");
      }
    }
    return b.toString();
  }
}
