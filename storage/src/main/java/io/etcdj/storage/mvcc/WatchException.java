package io.etcdj.storage.mvcc;

/**
 * A watch operation the store refused, carrying etcd's exact error text ({@code mvcc/watcher.go},
 * {@code mvcc/kvstore.go}). Compare with {@link #getMessage()} or the {@link Reason}.
 */
public final class WatchException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The refusals etcd's watch stream can return, with their texts. */
  public enum Reason {
    WATCHER_NOT_EXIST("mvcc: watcher does not exist"),
    EMPTY_WATCHER_RANGE("mvcc: watcher range is empty"),
    DUPLICATE_WATCH_ID("mvcc: duplicate watch ID provided on the WatchStream"),
    CANCELED("mvcc: watcher is canceled");

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
    super(reason.text());
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
