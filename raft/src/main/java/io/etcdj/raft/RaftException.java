package io.etcdj.raft;

/**
 * Base of the expected, recoverable outcomes the raft library reports (etcd returns these as
 * sentinel {@code error} values). Each subclass carries etcd's exact message text. Stack traces are
 * not filled in: these are outcomes, not bugs, and they can be frequent (e.g. dropped proposals).
 *
 * <p>Immutable; safe to share across threads.
 */
public abstract class RaftException extends Exception {
  private static final long serialVersionUID = 1L;

  RaftException(String message) {
    super(message, null, false, false);
  }

  RaftException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
