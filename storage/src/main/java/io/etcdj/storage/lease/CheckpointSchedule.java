package io.etcdj.storage.lease;

import io.etcdj.proto.etcdserverpb.LeaseCheckpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * When each long lease's remaining TTL is next due to be checkpointed (etcd's {@code
 * leaseCheckpointHeap} with {@code scheduleCheckpointIfNeeded} and {@code
 * findDueScheduledCheckpoints}). Checkpoints let a new leader resume a lease where the old one left
 * it instead of granting a fresh full TTL.
 *
 * <p>Not thread-safe; guarded by the lessor's lock.
 */
final class CheckpointSchedule {
  private final Duration interval;
  private final LeaseQueue queue = new LeaseQueue();

  CheckpointSchedule(Duration interval) {
    this.interval = interval;
  }

  /**
   * Schedules a checkpoint one interval from {@code now}, if the lease would otherwise outlive that
   * interval; shorter leases gain nothing from a checkpoint.
   */
  void scheduleIfNeeded(Lease lease, long now) {
    if (lease.remainingTtl() > interval.toSeconds()) {
      queue.push(new LeaseWithTime(lease.id(), now + interval.toNanos()));
    }
  }

  /**
   * Removes and returns up to {@code limit} due checkpoints, each the lease's remaining time
   * rounded up to whole seconds. Leases that are gone, never expire (not primary), have already
   * expired, or have not lost a whole second are skipped.
   */
  List<LeaseCheckpoint> takeDue(long now, int limit, LongFunction<Lease> leases) {
    List<LeaseCheckpoint> due = new ArrayList<>();
    while (!queue.isEmpty() && due.size() < limit) {
      LeaseWithTime next = queue.peek();
      if (next.time - now > 0) {
        break;
      }
      queue.pop();
      Lease lease = leases.apply(next.id);
      if (lease == null || lease.isForever()) {
        continue;
      }
      long left = lease.expiryNanos() - now;
      if (left <= 0) {
        continue; // already expired: its revoke, not a checkpoint, is what matters now
      }
      long remainingTtl = (left + 999_999_999L) / 1_000_000_000L;
      if (remainingTtl >= lease.ttl()) {
        continue;
      }
      due.add(LeaseCheckpoint.newBuilder().setID(next.id).setRemainingTTL(remainingTtl).build());
    }
    return due;
  }

  void clear() {
    queue.clear();
  }
}
