package io.etcdj.storage.lease;

import java.util.HashMap;
import java.util.Map;

/**
 * The expiry queue of the primary lessor (etcd {@code LeaseExpiredNotifier}): at most one entry per
 * lease, ordered by the instant the lease should next be checked. Registering a lease that is
 * already queued moves its entry instead of adding a second one, so renewals do not grow the heap.
 *
 * <p>Not thread-safe; guarded by the lessor's lock.
 */
final class LeaseExpiredNotifier {
  private final Map<Long, LeaseWithTime> byId = new HashMap<>();
  private final LeaseQueue queue = new LeaseQueue();

  /** Queues the lease at {@code time}, or moves its existing entry there. */
  void registerOrUpdate(long id, long time) {
    LeaseWithTime existing = byId.get(id);
    if (existing != null) {
      existing.time = time;
      queue.fix(existing.index);
    } else {
      LeaseWithTime item = new LeaseWithTime(id, time);
      queue.push(item);
      byId.put(id, item);
    }
  }

  /** Removes and returns the earliest entry. */
  LeaseWithTime unregister() {
    LeaseWithTime item = queue.pop();
    byId.remove(item.id);
    return item;
  }

  /** The earliest entry without removing it, or {@code null}. */
  LeaseWithTime poll() {
    return queue.peek();
  }

  int size() {
    return byId.size();
  }

  void clear() {
    queue.clear();
    byId.clear();
  }
}
