package io.etcdj.storage.mvcc;

/**
 * An expected failure of an MVCC operation (compacted or future revision, ...). The message is
 * etcd's exact error text; {@link #error()} says which condition it is.
 *
 * <p>Immutable; safe from any thread. No stack trace is captured: these are ordinary outcomes (a
 * client asking for a compacted revision), not bugs.
 */
public final class MvccException extends Exception {
  private static final long serialVersionUID = 1L;

  private final MvccError error;

  public MvccException(MvccError error) {
    super(error.text(), null, false, false);
    this.error = error;
  }

  /** Which etcd error this is. */
  public MvccError error() {
    return error;
  }
}
