package io.etcdj.raft;

/**
 * The {@link Node} has been stopped (etcd {@code ErrStopped}). {@link #getCause()} is null after
 * {@link Node#stop()} and the failure when the loop died of one.
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

  /**
   * The node stopped because its loop failed; {@code cause} is the broken invariant (or the Ready
   * handler's failure) that killed it, so callers can tell a crash from an orderly stop.
   */
  public StoppedException(Throwable cause) {
    super(MESSAGE, cause);
  }
}
