package io.etcdj.raft;

/**
 * The storage is still producing a snapshot; raft retries later (etcd {@code
 * ErrSnapshotTemporarilyUnavailable}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class SnapshotTemporarilyUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "snapshot is temporarily unavailable";

  public SnapshotTemporarilyUnavailableException() {
    super(MESSAGE);
  }
}
