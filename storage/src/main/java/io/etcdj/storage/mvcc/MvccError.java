package io.etcdj.storage.mvcc;

/**
 * The error conditions of etcd's {@code mvcc} package, each with its exact Go error text ({@code
 * mvcc/kvstore.go} and {@code mvcc/key_index.go}). Callers map these to gRPC statuses with one
 * {@code switch}.
 *
 * <p>Immutable; safe from any thread.
 */
public enum MvccError {
  /** {@code ErrCompacted}. */
  COMPACTED("mvcc: required revision has been compacted"),
  /** {@code ErrFutureRev}. */
  FUTURE_REV("mvcc: required revision is a future revision"),
  /** {@code ErrCanceled}, used by the watchable store. */
  CANCELED("mvcc: watcher is canceled"),
  /** {@code ErrClosed}. */
  CLOSED("mvcc: closed"),
  /** {@code ErrRevisionNotFound}. */
  REVISION_NOT_FOUND("mvcc: revision not found");

  private final String text;

  MvccError(String text) {
    this.text = text;
  }

  /** The Go error text, byte for byte. */
  public String text() {
    return text;
  }
}
