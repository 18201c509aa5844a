package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The min-heaps behind expiry and checkpoint scheduling ({@code lease_queue.go}). */
class LeaseQueueTest {

  @Test
  void popReturnsEntriesInTimeOrder() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      LeaseQueue q = new LeaseQueue();
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long t = random.nextInt(1000) - 500;
        times.add(t);
        q.push(new LeaseWithTime(i, t));
      }
      times.sort(null);
      List<Long> popped = new ArrayList<>();
      while (!q.isEmpty()) {
        popped.add(q.pop().time);
      }
      assertThat(popped).isEqualTo(times);
    }
  }

  @Test
  void fixRepositionsAnEntryWhoseTimeChanged() {
    LeaseQueue q = new LeaseQueue();
    List<LeaseWithTime> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      LeaseWithTime item = new LeaseWithTime(i, i * 10L);
      items.add(item);
      q.push(item);
    }
    LeaseWithTime first = items.get(0);
    first.time = 1000;
    q.fix(first.index);
    assertThat(q.peek().id).isEqualTo(1);

    LeaseWithTime last = items.get(9);
    last.time = -1;
    q.fix(last.index);
    assertThat(q.pop().id).isEqualTo(9);
    assertThat(q.pop().id).isEqualTo(1);
  }

  @Test
  void popOfEmptyQueueFails() {
    assertThatThrownBy(() -> new LeaseQueue().pop()).isInstanceOf(NoSuchElementException.class);
    assertThat(new LeaseQueue().peek()).isNull();
  }

  @Test
  void notifierKeepsOneEntryPerLeaseAndMovesItOnUpdate() {
    LeaseExpiredNotifier n = new LeaseExpiredNotifier();
    n.registerOrUpdate(1, 100);
    n.registerOrUpdate(2, 200);
    n.registerOrUpdate(1, 300);

    assertThat(n.size()).isEqualTo(2);
    assertThat(n.poll().id).isEqualTo(2);
    assertThat(n.unregister().id).isEqualTo(2);
    assertThat(n.size()).isEqualTo(1);
    assertThat(n.poll().time).isEqualTo(300);

    n.clear();
    assertThat(n.size()).isZero();
    assertThat(n.poll()).isNull();
  }

  /** TestLeaseQueue: an expired lease is found, re-queued at the retry time, then found again. */
  @Test
  void expiredHeadIsRequeuedAtTheRetryIntervalNotRemoved() throws Exception {
    FakeNanoClock clock = new FakeNanoClock();
    LessorImpl le =
        new LessorImpl(
            new MemoryLeaseBucket(),
            LessorConfig.withMinLeaseTtl(1).withExpiredLeasesRetryInterval(Duration.ofMillis(100)),
            clock);
    le.promote(Duration.ZERO);
    // Granted in reverse order of expiry; only lease 1 is short.
    for (int i = 50; i >= 1; i--) {
      le.grant(i, i == 1 ? 1 : 3600);
    }
    clock.advance(Duration.ofSeconds(1));

    assertThat(le.findExpiredLeasesForTest(500)).extracting(Lease::id).containsExactly(1L);
    assertThat(le.expiryQueueSizeForTest()).isEqualTo(50);

    assertThat(le.findExpiredLeasesForTest(500)).isEmpty();

    clock.advance(Duration.ofMillis(100));
    assertThat(le.findExpiredLeasesForTest(500)).extracting(Lease::id).containsExactly(1L);
    le.close();
  }
}
