package io.etcdj.raft;

/**
 * A response arrived from a peer that is not in the configuration (etcd {@code
 * ErrStepPeerNotFound}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class StepPeerNotFoundException extends RaftException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "raft: cannot step as peer not found";

  public StepPeerNotFoundException() {
    super(MESSAGE);
  }
}
