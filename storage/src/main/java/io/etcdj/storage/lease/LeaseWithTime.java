package io.etcdj.storage.lease;

/**
 * A lease ID paired with an instant of the lessor's clock (etcd {@code LeaseWithTime}). In the
 * expiry queue the instant is when the lease should next be checked for expiry; in the checkpoint
 * queue it is when the lease's remaining TTL should next be checkpointed.
 *
 * <p>Mutable (the queue repositions an entry when its time changes); not thread-safe, owned by the
 * queue that holds it, which in turn is guarded by the lessor's lock.
 */
final class LeaseWithTime {
  final long id;
  long time;
  // Position in the owning heap, kept up to date so an entry can be re-sifted in O(log n).
  int index = -1;

  LeaseWithTime(long id, long time) {
    this.id = id;
    this.time = time;
  }

  @Override
  public String toString() {
    return String.format("LeaseWithTime{id=%016x, time=%d}", id, time);
  }
}
