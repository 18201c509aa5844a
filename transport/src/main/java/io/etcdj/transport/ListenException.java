package io.etcdj.transport;

import java.io.IOException;

/** A listener could not be created; the message is etcd's text for the same failure. */
public final class ListenException extends IOException {
  private static final long serialVersionUID = 1L;

  public ListenException(String message, Throwable cause) {
    super(message, cause);
  }
}
