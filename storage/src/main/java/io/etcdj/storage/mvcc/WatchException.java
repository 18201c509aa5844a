package io.etcdj.storage.mvcc;

/**
 * A watch operation the store refused, carrying etcd's exact error text ({@code mvcc/watcher.go}).
 * Compare with {@link #getMessage()} or the {@link Reason}. ({@code ErrCanceled} lives in {@link
 * MvccError#CANCELED}.)
 */
public final class WatchException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The refusals etcd's watch stream can return, with their texts. */
  public enum Reason {
    WATCHER_NOT_EXIST("mvcc: watcher does not exist"),
    EMPTY_WATCHER_RANGE("mvcc: watcher range is empty"),
    DUPLICATE_WATCH_ID("mvcc: duplicate watch ID provided on the WatchStream");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public WatchException(Reason reason) {
    super(reason.text(), null, false, false); // an expected outcome, not a bug: no stack trace
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
