package io.etcdj.etcdserver.concurrency;

import static java.util.Objects.requireNonNull;

/**
 * A recipe outcome that is an error ({@link ConcurrencyError}); the message is etcd's text.
 * Immutable; no stack trace (an expected outcome returned to the caller).
 */
public final class ConcurrencyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ConcurrencyError error;

  public ConcurrencyException(ConcurrencyError error) {
    super(requireNonNull(error, "error").text(), null, false, false);
    this.error = error;
  }

  public ConcurrencyError error() {
    return error;
  }
}
