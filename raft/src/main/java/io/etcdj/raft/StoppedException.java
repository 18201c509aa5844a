package io.etcdj.raft;

/**
 * The {@link Node} has been stopped (etcd {@code ErrStopped}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class StoppedException extends RaftException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "raft: stopped";

  public StoppedException() {
    super(MESSAGE);
  }
}
