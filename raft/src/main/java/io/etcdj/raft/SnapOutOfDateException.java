package io.etcdj.raft;

/**
 * A snapshot older than the one already held was offered (etcd {@code ErrSnapOutOfDate}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class SnapOutOfDateException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "requested index is older than the existing snapshot";

  public SnapOutOfDateException() {
    super(MESSAGE);
  }
}
