package io.etcdj.storage.snap;

import java.io.IOException;

/** A typed snapshot failure; the message starts with etcd's text for {@link #error()}. */
public final class SnapException extends IOException {
  private static final long serialVersionUID = 1L;

  private final SnapError error;

  public SnapException(SnapError error) {
    super(error.text());
    this.error = error;
  }

  public SnapException(SnapError error, String detail, Throwable cause) {
    super(error.text() + ": " + detail, cause);
    this.error = error;
  }

  public SnapError error() {
    return error;
  }
}
