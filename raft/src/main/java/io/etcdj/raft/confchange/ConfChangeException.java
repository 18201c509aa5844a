package io.etcdj.raft.confchange;

/**
 * A configuration change that is invalid against the current configuration, with etcd's message
 * text (etcd {@code confchange} errors such as "config is already joint").
 *
 * <p>Immutable.
 */
public final class ConfChangeException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfChangeException(String message) {
    super(message);
  }
}
