package io.etcdj.etcdserver;

import java.util.concurrent.CompletionException;

/** Reading the failures of futures. Stateless. */
final class Failures {
  private Failures() {}

  /** The error inside a {@link CompletionException}, or the error itself. */
  static Throwable cause(Throwable err) {
    Throwable e = err;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The cause's message, as zap's {@code error} field shows it. */
  static String message(Throwable err) {
    return String.valueOf(cause(err).getMessage());
  }
}
