package io.etcdj.raft;

/**
 * A proposal was ignored: no leader, leadership transfer in progress, or the uncommitted-size limit
 * was hit (etcd {@code ErrProposalDropped}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class ProposalDroppedException extends RaftException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "raft proposal dropped";

  public ProposalDroppedException() {
    super(MESSAGE);
  }
}
