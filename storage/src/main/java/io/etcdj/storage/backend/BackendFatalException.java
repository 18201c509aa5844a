package io.etcdj.storage.backend;

/**
 * The backend failed to commit a batch and will not write again (etcd's {@code lg.Fatal("failed to
 * commit tx")} in {@code batchTx.commit}). Writers may have been told their writes succeeded while
 * the batch never reached disk, so the only safe reaction is to stop the node; every later {@link
 * BatchTx#lock()}, write, commit and snapshot throws this same instance.
 *
 * <p>Immutable; thread-safe.
 */
public final class BackendFatalException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  BackendFatalException(String message, Throwable cause) {
    super(message, cause);
  }
}
