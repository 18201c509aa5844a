package io.etcdj.raft.tracker;

/** How the leader is currently replicating to one follower (etcd {@code tracker.StateType}). */
public enum ProgressState {
  /** Sending at most one append per heartbeat interval while looking for the match point. */
  StateProbe,
  /** Streaming appends optimistically, bounded by the inflight window. */
  StateReplicate,
  /** Waiting for a snapshot to be applied; no appends are sent. */
  StateSnapshot
}
