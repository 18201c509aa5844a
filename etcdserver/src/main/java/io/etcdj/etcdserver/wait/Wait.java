package io.etcdj.etcdserver.wait;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code pkg/wait.Wait}: proposers register a request ID and get a future; the apply loop triggers
 * the ID with the apply result. Triggering an unregistered ID does nothing (the proposer already
 * gave up, or the entry came from another member); a proposer that times out triggers its own ID
 * with {@code null} to drop the registration, as etcd does ({@code s.w.Trigger(id, nil)}).
 *
 * <p>Thread-safe. {@link #trigger} completes the future on the calling thread (the apply thread),
 * so waiters must continue with an {@code *Async} stage on their own executor, never inline.
 *
 * @param <T> the apply result type
 */
public final class Wait<T> {
  private final ConcurrentMap<Long, CompletableFuture<T>> pending = new ConcurrentHashMap<>();

  /**
   * Registers {@code id}.
   *
   * @throws IllegalStateException {@code dup id <hex>} when {@code id} is already registered (etcd
   *     panics: IDs come from a generator and must never repeat)
   */
  public CompletableFuture<T> register(long id) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (pending.putIfAbsent(id, f) != null) {
      throw new IllegalStateException("dup id " + Long.toHexString(id));
    }
    return f;
  }

  /** Removes {@code id} and, if it was registered, completes its future with {@code result}. */
  public void trigger(long id, T result) {
    CompletableFuture<T> f = pending.remove(id);
    if (f != null) {
      f.complete(result);
    }
  }

  /** Completes every waiting ID with {@code null} and forgets them (the server is stopping). */
  public void triggerAll() {
    for (Long id : pending.keySet()) {
      trigger(id, null);
    }
  }

  public boolean isRegistered(long id) {
    return pending.containsKey(id);
  }

  /** How many IDs are waiting (for metrics and leak checks in tests). */
  public int size() {
    return pending.size();
  }
}
