package io.etcdj.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future whose blocking waits spin briefly before parking. The {@link Node} loop usually answers
 * within a few microseconds; parking at once would cost an OS wake-up per call (15-20 µs on an idle
 * VM), which Go's scheduler avoids by keeping a channel hand-off on the CPU. Dependent stages are
 * plain {@link CompletableFuture}s.
 *
 * <p>Thread-safe, like {@link CompletableFuture}.
 */
final class SpinFuture<T> extends CompletableFuture<T> {
  /** How long a waiter spins before it parks. */
  static final long SPIN_NANOS = 20_000;

  @Override
  public T join() {
    spin(SPIN_NANOS);
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    spin(SPIN_NANOS);
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    spin(Math.min(SPIN_NANOS, unit.toNanos(timeout)));
    return super.get(timeout, unit);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  private void spin(long nanos) {
    long start = System.nanoTime();
    while (!isDone() && System.nanoTime() - start < nanos) {
      Thread.onSpinWait();
    }
  }
}
