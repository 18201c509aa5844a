package io.etcdj.etcdhttp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds a future by a deadline on an injected scheduler (tests pass a manual one), so no handler
 * waits on a thread and no JDK-global timer is used.
 */
final class Deadlines {
  private Deadlines() {}

  /** A future that completes like {@code f}, or with {@link TimeoutException} after {@code d}. */
  static <T> CompletableFuture<T> within(
      CompletableFuture<T> f, Duration d, ScheduledExecutorService scheduler) {
    CompletableFuture<T> out = new CompletableFuture<>();
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () -> {
              out.completeExceptionally(new TimeoutException());
            },
            d.toNanos(),
            TimeUnit.NANOSECONDS);
    f.whenComplete(
        (v, e) -> {
          timer.cancel(false);
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(v);
          }
        });
    return out;
  }

  /** The cause a {@code CompletableFuture} stage wrapped. */
  static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
