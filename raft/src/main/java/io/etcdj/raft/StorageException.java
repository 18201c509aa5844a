package io.etcdj.raft;

/**
 * Base of the errors a {@link Storage} reports (etcd {@code raft/storage.go}).
 *
 * <p>Immutable; safe to share across threads.
 */
public abstract class StorageException extends RaftException {
  private static final long serialVersionUID = 1L;

  protected StorageException(String message) {
    super(message);
  }
}
