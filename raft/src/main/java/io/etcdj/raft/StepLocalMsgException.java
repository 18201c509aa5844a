package io.etcdj.raft;

/**
 * A message type that only raft itself may create was stepped from outside (etcd {@code
 * ErrStepLocalMsg}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class StepLocalMsgException extends RaftException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "raft: cannot step raft local message";

  public StepLocalMsgException() {
    super(MESSAGE);
  }
}
