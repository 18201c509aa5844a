package io.etcdj.raft;

/**
 * The requested index is older than the storage's first index (etcd {@code ErrCompacted}).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class CompactedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** etcd's exact error text. */
  public static final String MESSAGE = "requested index is unavailable due to compaction";

  public CompactedException() {
    super(MESSAGE);
  }
}
