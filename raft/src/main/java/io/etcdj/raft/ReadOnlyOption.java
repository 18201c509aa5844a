package io.etcdj.raft;

/** How read-index requests are confirmed (etcd {@code raft.ReadOnlyOption}). */
public enum ReadOnlyOption {
  /** Confirm leadership with a heartbeat round to a quorum before answering. */
  ReadOnlySafe,
  /**
   * Trust the leader lease instead of a heartbeat round; correct only if clock drift is bounded.
   * Requires check-quorum.
   */
  ReadOnlyLeaseBased
}
