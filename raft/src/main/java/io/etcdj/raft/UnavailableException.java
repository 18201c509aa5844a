package io.etcdj.raft;

/**
 * The requested entry is beyond the storage's last index (etcd {@code ErrUnavailable}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class UnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "requested entry at index is unavailable";

  public UnavailableException() {
    super(MESSAGE);
  }
}
