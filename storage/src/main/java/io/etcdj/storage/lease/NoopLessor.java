package io.etcdj.storage.lease;

import io.etcdj.storage.backend.Backend;
import java.time.Duration;
import java.util.List;

/**
 * A lessor that holds no leases and accepts everything (etcd {@code FakeLessor}); for stores and
 * tests that do not exercise leases. {@link #getLease} always answers {@link #NO_LEASE}.
 *
 * <p>Stateless and therefore thread-safe.
 */
public final class NoopLessor implements Lessor {
  @Override
  public void setRangeDeleter(RangeDeleter rd) {}

  @Override
  public void setCheckpointer(Checkpointer cp) {}

  @Override
  public Lease grant(long id, long ttlSeconds) {
    return new Lease(id, ttlSeconds, 0, System::nanoTime);
  }

  @Override
  public void revoke(long id) {}

  @Override
  public void checkpoint(long id, long remainingTtlSeconds) {}

  @Override
  public void attach(long id, List<LeaseItem> items) {}

  @Override
  public void detach(long id, List<LeaseItem> items) {}

  @Override
  public long getLease(LeaseItem item) {
    return NO_LEASE;
  }

  @Override
  public void promote(Duration extend) {}

  @Override
  public void demote() {}

  @Override
  public long renew(long id) {
    return 10;
  }

  @Override
  public java.util.concurrent.CompletableFuture<Long> renewAsync(long id) {
    return java.util.concurrent.CompletableFuture.completedFuture(10L);
  }

  @Override
  public Lease lookup(long id) {
    return null;
  }

  @Override
  public List<Lease> leases() {
    return List.of();
  }

  @Override
  public void run() {}

  @Override
  public List<Lease> pollExpiredLeases() {
    return List.of();
  }

  @Override
  public void recover(Backend backend, RangeDeleter rd) {}

  @Override
  public void close() {}
}
