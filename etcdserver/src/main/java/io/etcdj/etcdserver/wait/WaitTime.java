package io.etcdj.etcdserver.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pkg/wait.WaitTime}: wait for a logical deadline (etcd uses the applied index). {@link
 * #await(long)} returns a future that completes once {@link #trigger(long)} has been called with a
 * deadline at or past it; a deadline already reached returns a completed future.
 *
 * <p>Thread-safe. Futures are completed after the lock is released, on the triggering thread, so
 * waiters must continue asynchronously.
 */
public final class WaitTime {
  private final Object mu = new Object();
  private long lastTriggerDeadline;
  private final TreeMap<Long, CompletableFuture<Void>> waiters = new TreeMap<>();

  public CompletableFuture<Void> await(long deadline) {
    synchronized (mu) {
      if (Long.compareUnsigned(lastTriggerDeadline, deadline) >= 0) {
        return CompletableFuture.completedFuture(null);
      }
      return waiters.computeIfAbsent(deadline, d -> new CompletableFuture<>());
    }
  }

  /** Records {@code deadline} as reached and completes every waiter at or before it. */
  public void trigger(long deadline) {
    List<CompletableFuture<Void>> due = new ArrayList<>();
    synchronized (mu) {
      lastTriggerDeadline = deadline;
      var it = waiters.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, CompletableFuture<Void>> e = it.next();
        if (Long.compareUnsigned(e.getKey(), deadline) <= 0) {
          due.add(e.getValue());
          it.remove();
        }
      }
    }
    for (CompletableFuture<Void> f : due) {
      f.complete(null);
    }
  }
}
