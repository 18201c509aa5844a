package io.etcdj.storage.lease;

import static java.util.Objects.requireNonNull;

import com.google.common.annotations.VisibleForTesting;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.etcdj.proto.etcdserverpb.LeaseCheckpoint;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;
import io.etcdj.storage.backend.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code lessor}: the lease table of one node, persisted in the backend's {@code lease}
 * bucket, with expiry tracking while primary.
 *
 * <p>Thread-safe. One read-write lock guards the lease table, the item index and both queues. Lock
 * order is mvcc's: the backend's batch-transaction lock first, then the lessor's, because mvcc
 * attaches and detaches leases while its write transaction holds the batch lock; so bucket writes
 * take the batch lock before the lessor lock. Calls out to the {@link RangeDeleter} and {@link
 * Checkpointer} are made without the lessor lock. Time comes only from the injected monotonic
 * clock; there are no threads of its own: the owner calls {@link #run()} periodically.
 */
public final class LessorImpl implements Lessor {
  private static final Logger LOG = LoggerFactory.getLogger(LessorImpl.class);

  // etcd's expiredC is a channel with 16 slots; a full queue means the owner is busy and the
  // leases are found again on a later run.
  private static final int EXPIRED_QUEUE_CAPACITY = 16;

  private final LessorConfig config;
  private final LongSupplier nanoClock;
  private final BlockingQueue<List<Lease>> expired =
      new ArrayBlockingQueue<>(EXPIRED_QUEUE_CAPACITY);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private final ReentrantReadWriteLock mu = new ReentrantReadWriteLock();

  // Replaced only by recover, which the owner calls on the apply thread.
  private volatile LeaseBucket bucket;

  @GuardedBy("mu")
  private Map<Long, Lease> leaseMap = new HashMap<>();

  @GuardedBy("mu")
  private Map<LeaseItem, Long> itemMap = new HashMap<>();

  @GuardedBy("mu")
  private final LeaseExpiredNotifier expiryQueue = new LeaseExpiredNotifier();

  @GuardedBy("mu")
  private final CheckpointSchedule checkpoints;

  @GuardedBy("mu")
  private RangeDeleter rangeDeleter;

  @GuardedBy("mu")
  private Checkpointer checkpointer;

  /** Non-null exactly while primary; completed on demotion (etcd {@code demotec}). */
  @GuardedBy("mu")
  private CompletableFuture<Void> demoted;

  /**
   * Opens the lessor over a backend, restoring the leases stored in its {@code lease} bucket (etcd
   * {@code NewLessor}). Restored leases never expire until {@link #promote}.
   *
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  public LessorImpl(Backend backend, LessorConfig config, LongSupplier nanoClock) {
    this(new BackendLeaseBucket(backend), config, nanoClock);
  }

  LessorImpl(LeaseBucket bucket, LessorConfig config, LongSupplier nanoClock) {
    this.config = requireNonNull(config, "config");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    this.checkpoints = new CheckpointSchedule(config.checkpointInterval());
    this.bucket = requireNonNull(bucket, "bucket");
    loadFromBucket(bucket, null, false);
  }

  @Override
  public void setRangeDeleter(RangeDeleter rd) {
    mu.writeLock().lock();
    try {
      rangeDeleter = rd;
    } finally {
      mu.writeLock().unlock();
    }
  }

  @Override
  public void setCheckpointer(Checkpointer cp) {
    mu.writeLock().lock();
    try {
      checkpointer = cp;
    } finally {
      mu.writeLock().unlock();
    }
  }

  @Override
  public Lease grant(long id, long ttlSeconds) throws LeaseException {
    if (id == NO_LEASE) {
      throw LeaseException.notFound();
    }
    if (ttlSeconds > MAX_LEASE_TTL) {
      throw LeaseException.ttlTooLarge();
    }
    LeaseBucket b = bucket;
    b.lock();
    try {
      mu.writeLock().lock();
      try {
        if (leaseMap.containsKey(id)) {
          throw LeaseException.exists();
        }
        Lease lease = new Lease(id, Math.max(ttlSeconds, config.minLeaseTtl()), 0, nanoClock);
        if (isPrimary()) {
          lease.refresh(Duration.ZERO);
        }
        leaseMap.put(id, lease);
        b.unsafePut(toProto(lease));
        if (isPrimary()) {
          expiryQueue.registerOrUpdate(id, lease.expiryNanos());
          scheduleCheckpointIfNeeded(lease);
        }
        return lease;
      } finally {
        mu.writeLock().unlock();
      }
    } finally {
      b.unlock();
    }
  }

  @Override
  public void revoke(long id) throws LeaseException {
    Lease lease;
    RangeDeleter rd;
    mu.readLock().lock();
    try {
      lease = leaseMap.get(id);
      rd = rangeDeleter;
    } finally {
      mu.readLock().unlock();
    }
    if (lease == null) {
      throw LeaseException.notFound();
    }
    try {
      // Without a range deleter etcd returns early and leaves the lease in place; we still remove
      // it (there is nothing to delete), so a store-less lessor does not keep revoked leases.
      TxnDelete txn = rd == null ? null : rd.newTxnDelete();
      try {
        if (txn != null) {
          // Every member must delete in the same order or the backend hashes diverge. Keys are
          // ISO-8859-1 strings, so String order is the unsigned byte order Go sorts by.
          List<String> keys = lease.keys();
          Collections.sort(keys);
          for (String key : keys) {
            txn.deleteRange(LeaseKeys.bytes(key), null);
          }
        }
        // Same backend batch as the key deletions (the TxnDelete holds the reentrant batch lock):
        // a crash cannot leave the lease without its keys deleted, or the reverse.
        LeaseBucket b = bucket;
        b.lock();
        try {
          mu.writeLock().lock();
          try {
            leaseMap.remove(id);
          } finally {
            mu.writeLock().unlock();
          }
          b.unsafeDelete(id);
        } finally {
          b.unlock();
        }
      } finally {
        // Ended even when a delete failed (etcd would have exited): the txn holds the backend's
        // batch lock, and leaving it open blocks every other writer forever. The lease then stays
        // in place for a later revoke.
        if (txn != null) {
          txn.end();
        }
      }
    } finally {
      lease.markRevoked();
    }
  }

  @Override
  public void checkpoint(long id, long remainingTtlSeconds) {
    LeaseBucket b = bucket;
    b.lock();
    try {
      mu.writeLock().lock();
      try {
        Lease lease = leaseMap.get(id);
        if (lease == null) {
          return;
        }
        // Only the remaining TTL changes now; promote turns it into an expiry.
        lease.setCheckpointedTtl(remainingTtlSeconds);
        if (config.checkpointPersist()) {
          b.unsafePut(toProto(lease));
        }
        if (isPrimary()) {
          scheduleCheckpointIfNeeded(lease);
        }
      } finally {
        mu.writeLock().unlock();
      }
    } finally {
      b.unlock();
    }
  }

  @Override
  public void attach(long id, List<LeaseItem> items) throws LeaseException {
    mu.writeLock().lock();
    try {
      Lease lease = leaseMap.get(id);
      if (lease == null) {
        throw LeaseException.notFound();
      }
      lease.attach(items);
      for (LeaseItem item : items) {
        itemMap.put(item, id);
      }
    } finally {
      mu.writeLock().unlock();
    }
  }

  @Override
  public void detach(long id, List<LeaseItem> items) throws LeaseException {
    mu.writeLock().lock();
    try {
      Lease lease = leaseMap.get(id);
      if (lease == null) {
        throw LeaseException.notFound();
      }
      lease.detach(items);
      for (LeaseItem item : items) {
        itemMap.remove(item);
      }
    } finally {
      mu.writeLock().unlock();
    }
  }

  @Override
  public long getLease(LeaseItem item) {
    mu.readLock().lock();
    try {
      return itemMap.getOrDefault(item, NO_LEASE);
    } finally {
      mu.readLock().unlock();
    }
  }

  @Override
  public long renew(long id) throws LeaseException {
    try {
      return renewAsync(id).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LeaseException.notPrimary();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LeaseException le) {
        throw le;
      }
      throw new IllegalStateException("lease renewal failed", e.getCause());
    }
  }

  @Override
  public CompletableFuture<Long> renewAsync(long id) {
    Lease lease;
    CompletableFuture<Void> demotion;
    Checkpointer cp;
    mu.readLock().lock();
    try {
      if (!isPrimary()) {
        // The caller forwards the renewal to the primary.
        return CompletableFuture.failedFuture(LeaseException.notPrimary());
      }
      demotion = demoted;
      lease = leaseMap.get(id);
      if (lease == null) {
        return CompletableFuture.failedFuture(LeaseException.notFound());
      }
      cp = checkpointer;
    } finally {
      mu.readLock().unlock();
    }
    if (!lease.expired()) {
      return CompletableFuture.completedFuture(refresh(id, lease, cp));
    }
    // The lease may be waiting for its revoke proposal to commit. Answering before it does could
    // resurrect a lease the cluster is about to delete, so the answer waits for the outcome: not
    // found once revoked; not primary once demoted or stopped (the new primary may still revoke
    // it; the caller retries there). Completed on the thread that revokes, demotes or closes.
    return CompletableFuture.anyOf(lease.revokedSignal(), demotion, stopped)
        .thenApply(
            unused -> {
              throw new CompletionException(
                  lease.revokedSignal().isDone()
                      ? LeaseException.notFound()
                      : LeaseException.notPrimary());
            });
  }

  /** Restarts a live lease's expiry from now; returns its TTL. */
  private long refresh(long id, Lease lease, Checkpointer cp) {
    // Clear the checkpoint only when one is set, so a lease costs at most two raft entries per
    // checkpoint interval.
    if (cp != null && lease.checkpointedTtl() > 0) {
      cp.checkpoint(
          LeaseCheckpointRequest.newBuilder()
              .addCheckpoints(LeaseCheckpoint.newBuilder().setID(id).setRemainingTTL(0))
              .build());
    }
    mu.writeLock().lock();
    try {
      lease.refresh(Duration.ZERO);
      expiryQueue.registerOrUpdate(id, lease.expiryNanos());
    } finally {
      mu.writeLock().unlock();
    }
    return lease.ttl();
  }

  @Override
  public Lease lookup(long id) {
    mu.readLock().lock();
    try {
      return leaseMap.get(id);
    } finally {
      mu.readLock().unlock();
    }
  }

  @Override
  public List<Lease> leases() {
    List<Lease> leases;
    mu.readLock().lock();
    try {
      leases = new ArrayList<>(leaseMap.values());
    } finally {
      mu.readLock().unlock();
    }
    return sortedByExpiry(leases);
  }

  /**
   * Soonest expiry first; ties (such as leases that never expire) by ID for a stable order. Each
   * lease's remaining time is read once, against one clock reading: etcd compares {@code
   * Remaining()}, which reads the clock on every comparison, and Java's sort throws on the
   * inconsistent answers that gives (a renew may also move an expiry mid-sort).
   */
  private List<Lease> sortedByExpiry(Collection<Lease> leases) {
    record Keyed(Lease lease, long remainingNanos) {}
    long now = nanoClock.getAsLong();
    List<Keyed> keyed = new ArrayList<>(leases.size());
    for (Lease lease : leases) {
      keyed.add(new Keyed(lease, lease.remainingNanosAt(now)));
    }
    keyed.sort(
        Comparator.comparingLong(Keyed::remainingNanos).thenComparingLong(k -> k.lease().id()));
    List<Lease> sorted = new ArrayList<>(keyed.size());
    keyed.forEach(k -> sorted.add(k.lease()));
    return sorted;
  }

  @Override
  public void promote(Duration extend) {
    mu.writeLock().lock();
    try {
      demoted = new CompletableFuture<>();
      for (Lease lease : leaseMap.values()) {
        lease.refresh(extend);
        expiryQueue.registerOrUpdate(lease.id(), lease.expiryNanos());
        scheduleCheckpointIfNeeded(lease);
      }
      if (leaseMap.size() >= config.revokeRate()) {
        spreadPiledUpExpiries(extend);
      }
    } finally {
      mu.writeLock().unlock();
    }
  }

  /**
   * After a leader change every lease restarts its full TTL at once, so leases granted close
   * together would also expire together and flood raft with revokes. Walk the leases in expiry
   * order in one-second windows and push back those beyond three quarters of the revoke rate
   * (etcd's lease pile-up mitigation in {@code Promote}).
   */
  @GuardedBy("mu")
  private void spreadPiledUpExpiries(Duration extend) {
    List<Lease> leases = sortedByExpiry(leaseMap.values());
    long second = Duration.ofSeconds(1).toNanos();
    long baseWindow = leases.get(0).remaining().toNanos();
    long nextWindow = baseWindow + second;
    int expires = 0;
    // Leave a quarter of the revoke rate for leases that expire on their own.
    int targetExpiresPerSecond = (3 * config.revokeRate()) / 4;
    for (Lease lease : leases) {
      long remaining = lease.remaining().toNanos();
      if (remaining > nextWindow) {
        baseWindow = remaining;
        nextWindow = baseWindow + second;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetExpiresPerSecond) {
        continue;
      }
      double rateDelay = (double) second * ((double) expires / targetExpiresPerSecond);
      // A lease already n seconds past the window start needs n seconds less delay.
      rateDelay -= (double) (remaining - baseWindow);
      long delay = (long) rateDelay;
      nextWindow = baseWindow + delay;
      lease.refresh(Duration.ofNanos(delay).plus(extend));
      expiryQueue.registerOrUpdate(lease.id(), lease.expiryNanos());
      scheduleCheckpointIfNeeded(lease);
    }
  }

  @Override
  public void demote() {
    CompletableFuture<Void> wasDemoted;
    mu.writeLock().lock();
    try {
      for (Lease lease : leaseMap.values()) {
        lease.setForever();
      }
      checkpoints.clear();
      expiryQueue.clear();
      wasDemoted = demoted;
      demoted = null;
    } finally {
      mu.writeLock().unlock();
    }
    if (wasDemoted != null) {
      // Outside the lock: completing it wakes renewals waiting on an expired lease.
      wasDemoted.complete(null);
    }
  }

  @Override
  public void run() {
    offerExpiredLeases();
    sendDueCheckpoints();
  }

  @Override
  public List<Lease> pollExpiredLeases() {
    List<Lease> batch = expired.poll();
    return batch == null ? List.of() : batch;
  }

  /**
   * Replaces the lease table with the contents of another backend, as after installing a raft
   * snapshot (etcd {@code Recover}). Restored leases never expire until the next {@link #promote};
   * their items are re-attached by mvcc as it restores its keys.
   */
  @Override
  public void recover(Backend backend, RangeDeleter rd) {
    recover(new BackendLeaseBucket(backend), rd);
  }

  void recover(LeaseBucket newBucket, RangeDeleter rd) {
    bucket = requireNonNull(newBucket, "bucket");
    loadFromBucket(newBucket, rd, true);
  }

  @Override
  public void close() {
    stopped.complete(null);
  }

  // ---------------------------------------------------------------------------------------------

  @GuardedBy("mu")
  private boolean isPrimary() {
    return demoted != null;
  }

  /** Replaces the lease table with the bucket's contents (etcd {@code initAndRecover}). */
  private void loadFromBucket(LeaseBucket b, RangeDeleter rd, boolean replaceRangeDeleter) {
    b.lock();
    try {
      List<io.etcdj.proto.leasepb.Lease> stored = b.unsafeLoadAll();
      mu.writeLock().lock();
      try {
        if (replaceRangeDeleter) {
          rangeDeleter = rd;
        }
        leaseMap = new HashMap<>();
        itemMap = new HashMap<>();
        expiryQueue.clear();
        checkpoints.clear();
        for (io.etcdj.proto.leasepb.Lease s : stored) {
          long ttl = Math.max(s.getTTL(), config.minLeaseTtl());
          // Expiry stays "forever" until promote; items come back as mvcc restores its keys.
          leaseMap.put(s.getID(), new Lease(s.getID(), ttl, s.getRemainingTTL(), nanoClock));
        }
      } finally {
        mu.writeLock().unlock();
      }
    } finally {
      b.unlock();
    }
    b.forceCommit();
  }

  private void offerExpiredLeases() {
    List<Lease> found;
    mu.writeLock().lock();
    try {
      if (!isPrimary()) {
        return;
      }
      found = findExpiredLeases(config.revokeRate() / 2);
    } finally {
      mu.writeLock().unlock();
    }
    if (!found.isEmpty() && !expired.offer(List.copyOf(found))) {
      LOG.debug("expired-lease queue full; {} leases will be offered again later", found.size());
    }
  }

  /**
   * Takes up to {@code limit} expired leases off the expiry queue. Each one found is re-queued at
   * now + retry interval, so it is offered again if its revoke never happens (for example because
   * the proposal was dropped).
   */
  @GuardedBy("mu")
  private List<Lease> findExpiredLeases(int limit) {
    List<Lease> found = new ArrayList<>();
    while (expiryQueue.size() > 0) {
      LeaseWithTime next = expiryQueue.poll();
      Lease lease = leaseMap.get(next.id);
      if (lease == null) {
        // Revoked meanwhile: nothing left to expire.
        expiryQueue.unregister();
        continue;
      }
      long now = nanoClock.getAsLong();
      if (now - next.time < 0) {
        // The earliest candidate is not due, so neither is anything behind it.
        break;
      }
      expiryQueue.registerOrUpdate(next.id, now + config.expiredLeasesRetryInterval().toNanos());
      if (lease.expired()) {
        found.add(lease);
        if (found.size() == limit) {
          break;
        }
      }
    }
    return found;
  }

  @VisibleForTesting
  List<Lease> findExpiredLeasesForTest(int limit) {
    mu.writeLock().lock();
    try {
      return findExpiredLeases(limit);
    } finally {
      mu.writeLock().unlock();
    }
  }

  @VisibleForTesting
  int expiryQueueSizeForTest() {
    mu.readLock().lock();
    try {
      return expiryQueue.size();
    } finally {
      mu.readLock().unlock();
    }
  }

  private void sendDueCheckpoints() {
    for (int i = 0; i < config.checkpointRate() / 2; i++) {
      List<LeaseCheckpoint> due;
      Checkpointer cp;
      mu.writeLock().lock();
      try {
        if (!isPrimary() || checkpointer == null) {
          return;
        }
        cp = checkpointer;
        due =
            checkpoints.takeDue(
                nanoClock.getAsLong(), config.maxCheckpointBatchSize(), leaseMap::get);
      } finally {
        mu.writeLock().unlock();
      }
      if (!due.isEmpty()) {
        cp.checkpoint(LeaseCheckpointRequest.newBuilder().addAllCheckpoints(due).build());
      }
      if (due.size() < config.maxCheckpointBatchSize()) {
        return;
      }
    }
  }

  @GuardedBy("mu")
  private void scheduleCheckpointIfNeeded(Lease lease) {
    if (checkpointer != null) {
      checkpoints.scheduleIfNeeded(lease, nanoClock.getAsLong());
    }
  }

  private static io.etcdj.proto.leasepb.Lease toProto(Lease lease) {
    return io.etcdj.proto.leasepb.Lease.newBuilder()
        .setID(lease.id())
        .setTTL(lease.ttl())
        .setRemainingTTL(lease.checkpointedTtl())
        .build();
  }
}
