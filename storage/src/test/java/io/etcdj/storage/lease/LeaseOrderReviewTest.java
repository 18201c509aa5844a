package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Review: ordering leases by expiry must not depend on when each lease's remaining time is read.
 * etcd sorts with {@code Remaining()}, which reads the clock on every comparison; Go's sort
 * tolerates the resulting inconsistent comparisons, but Java's TimSort may throw "Comparison method
 * violates its general contract!", which would fail {@code promote} (a leader change) or {@code
 * leases()} (the LeaseLeases API).
 */
class LeaseOrderReviewTest {

  /** A monotonic clock where every reading takes one nanosecond, like a real clock does. */
  private static final class TickingClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
      return now.incrementAndGet();
    }
  }

  /**
   * A follower holding 3000 leases of mixed TTLs becomes leader: promote restarts every expiry and
   * then sorts the leases to spread piled-up expiries. With {@code System::nanoTime} this threw in
   * about one promote in ten (3 of 30 in a local run); the ticking fake clock makes it certain.
   */
  @Test
  void promoteOfManyMixedTtlLeasesSortsByExpiryWhileTheClockMoves() throws Exception {
    LessorImpl le =
        new LessorImpl(
            new MemoryLeaseBucket(new ArrayList<>()),
            LessorConfig.withMinLeaseTtl(5).withRevokeRate(100),
            new TickingClock());
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 3_000; i++) {
      try {
        le.grant(random.nextLong(1, Long.MAX_VALUE), 10 + random.nextInt(3));
      } catch (LeaseException e) {
        // a repeated random ID; irrelevant here
      }
    }

    le.promote(Duration.ZERO);

    List<Lease> leases = le.leases();
    assertThat(leases).hasSizeGreaterThan(2_900);
    for (int i = 1; i < leases.size(); i++) {
      assertThat(leases.get(i).expiryNanos())
          .isGreaterThanOrEqualTo(leases.get(i - 1).expiryNanos());
    }
    le.close();
  }
}
