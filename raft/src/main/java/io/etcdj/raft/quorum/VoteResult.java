package io.etcdj.raft.quorum;

/** Outcome of tallying votes against a configuration (etcd {@code quorum.VoteResult}). */
public enum VoteResult {
  /** Not enough votes yet to decide. */
  VotePending,
  /** A quorum has rejected. */
  VoteLost,
  /** A quorum has granted. */
  VoteWon
}
