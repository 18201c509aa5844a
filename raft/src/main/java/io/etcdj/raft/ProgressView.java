package io.etcdj.raft;

import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;

/**
 * What the leader knows about one member's log, as reported by {@link Status} (the fields of etcd's
 * {@code tracker.Progress} that its {@code Status} exposes). Decoupled from the mutable tracker
 * type so server code does not bind to raft internals.
 *
 * <p>Immutable; safe to share across threads.
 *
 * @param match the highest index known to be replicated on the member
 * @param next the next index the leader will send
 * @param state probe, replicate or snapshot
 * @param pendingSnapshot in the snapshot state, the index of the snapshot being sent
 * @param recentActive heard from since the last check-quorum round
 * @param paused whether sending to the member is paused (probe sent, or inflight window full)
 * @param learner whether the member is a learner
 */
public record ProgressView(
    long match,
    long next,
    ProgressState state,
    long pendingSnapshot,
    boolean recentActive,
    boolean paused,
    boolean learner) {

  static ProgressView of(Progress p) {
    return new ProgressView(
        p.match, p.next, p.state, p.pendingSnapshot, p.recentActive, p.isPaused(), p.isLearner);
  }
}
