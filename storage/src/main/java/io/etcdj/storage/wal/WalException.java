package io.etcdj.storage.wal;

import java.io.IOException;

/**
 * A typed WAL failure. {@link #getMessage()} starts with etcd's text for {@link #error()}, possibly
 * followed by ": " and detail (a path, a block type).
 */
public final class WalException extends IOException {
  private static final long serialVersionUID = 1L;

  private final WalError error;

  public WalException(WalError error) {
    super(error.text());
    this.error = error;
  }

  public WalException(WalError error, String detail) {
    super(error.text() + ": " + detail);
    this.error = error;
  }

  public WalException(WalError error, String detail, Throwable cause) {
    super(error.text() + ": " + detail, cause);
    this.error = error;
  }

  private WalException(String message, WalError error) {
    super(message);
    this.error = error;
  }

  /** Go's {@code fmt.Errorf("unexpected block type %d", t)}. */
  static WalException unexpectedBlockType(long type) {
    return new WalException(
        WalError.UNEXPECTED_BLOCK_TYPE.text() + " " + type, WalError.UNEXPECTED_BLOCK_TYPE);
  }

  /** Which condition this is. */
  public WalError error() {
    return error;
  }
}
