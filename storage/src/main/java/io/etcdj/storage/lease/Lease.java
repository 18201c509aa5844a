package io.etcdj.storage.lease;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One granted lease (etcd {@code lease.Lease}): its ID and TTL, the last checkpointed remaining
 * TTL, its expiry as an instant of the lessor's monotonic clock, and the keys attached to it.
 *
 * <p>Thread-safe. The lessor mutates a lease under its own lock; readers on other threads (for
 * example a {@code LeaseTimeToLive} handler holding a {@link Lessor#lookup} result) see a
 * consistent expiry and item set because both are guarded by the lease's monitor.
 */
public final class Lease {
  private final long id;
  private final long ttl;
  private final LongSupplier nanoClock;
  private final CompletableFuture<Void> revoked = new CompletableFuture<>();

  // Zero means "not checkpointed": the full TTL applies (same convention as etcd).
  private volatile long remainingTtl;

  @GuardedBy("this")
  private boolean forever = true;

  @GuardedBy("this")
  private long expiryNanos;

  @GuardedBy("this")
  private final Set<LeaseItem> items = new HashSet<>();

  Lease(long id, long ttl, long remainingTtl, LongSupplier nanoClock) {
    this.id = id;
    this.ttl = ttl;
    this.remainingTtl = remainingTtl;
    this.nanoClock = nanoClock;
  }

  public long id() {
    return id;
  }

  /** The granted TTL in seconds (already raised to the lessor's minimum). */
  public long ttl() {
    return ttl;
  }

  /**
   * The last checkpointed remaining TTL in seconds, or the full {@link #ttl()} when none was
   * checkpointed (etcd {@code Lease.RemainingTTL}).
   */
  public long remainingTtl() {
    long r = remainingTtl;
    return r > 0 ? r : ttl;
  }

  /** The raw checkpointed value, zero when unset; this is what the lease bucket stores. */
  long checkpointedTtl() {
    return remainingTtl;
  }

  void setCheckpointedTtl(long seconds) {
    remainingTtl = seconds;
  }

  /**
   * Time left before expiry; a practically infinite duration while the lease never expires (on a
   * lessor that is not primary).
   */
  public synchronized Duration remaining() {
    if (forever) {
      return Duration.ofNanos(Long.MAX_VALUE);
    }
    return Duration.ofNanos(expiryNanos - nanoClock.getAsLong());
  }

  /** Nanoseconds from {@code now} to the expiry; {@link Long#MAX_VALUE} while it never expires. */
  synchronized long remainingNanosAt(long now) {
    return forever ? Long.MAX_VALUE : expiryNanos - now;
  }

  /** Whether the expiry has been reached. A lease that never expires is never expired. */
  public synchronized boolean expired() {
    return !forever && expiryNanos - nanoClock.getAsLong() <= 0;
  }

  /** The attached keys, in no particular order (a copy). */
  public synchronized List<String> keys() {
    List<String> keys = new ArrayList<>(items.size());
    for (LeaseItem item : items) {
      keys.add(item.key());
    }
    return keys;
  }

  /** A future completed once the lease has been revoked and its keys deleted. */
  public CompletableFuture<Void> revokedFuture() {
    return revoked.copy();
  }

  /** Sets the expiry to now + {@code extend} + the remaining TTL (etcd {@code refresh}). */
  synchronized void refresh(Duration extend) {
    expiryNanos =
        nanoClock.getAsLong() + extend.toNanos() + Duration.ofSeconds(remainingTtl()).toNanos();
    forever = false;
  }

  synchronized void setForever() {
    forever = true;
  }

  synchronized boolean isForever() {
    return forever;
  }

  /** The expiry instant on the lessor's clock; meaningless while {@link #isForever()}. */
  synchronized long expiryNanos() {
    return expiryNanos;
  }

  synchronized void attach(List<LeaseItem> toAdd) {
    items.addAll(toAdd);
  }

  synchronized void detach(List<LeaseItem> toRemove) {
    toRemove.forEach(items::remove);
  }

  void markRevoked() {
    revoked.complete(null);
  }

  CompletableFuture<Void> revokedSignal() {
    return revoked;
  }

  @Override
  public String toString() {
    return String.format("Lease{id=%016x, ttl=%d}", id, ttl);
  }
}
