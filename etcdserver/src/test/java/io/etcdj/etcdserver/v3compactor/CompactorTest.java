package io.etcdj.etcdserver.v3compactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.etcdserver.testing.FakeClock;
import io.etcdj.storage.mvcc.MvccError;
import io.etcdj.storage.mvcc.MvccException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The auto-compactors on a fake clock (etcd v3compactor periodic_test.go, revision_test.go). */
class CompactorTest {
  final FakeClock clock = new FakeClock();

  /** Like etcd's fakeRevGetter: each call is one revision later. */
  static final class Revs implements LongSupplier {
    long rev;

    @Override
    public long getAsLong() {
      return ++rev;
    }
  }

  final Revs revs = new Revs();
  final List<Long> compacted = new ArrayList<>();
  Throwable failWith;

  CompletableFuture<?> compact(long rev) {
    compacted.add(rev);
    return failWith == null
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(failWith);
  }

  Compactor periodic(Duration retention) {
    return Compactor.create(Compactor.MODE_PERIODIC, retention, revs, this::compact, clock, clock);
  }

  @Test
  void periodicWaitsOnePeriodThenCompactsHourlyAtTheRevisionOfOnePeriodAgo() {
    // TestPeriodicHourly: retention 2h, samples every 6 minutes.
    Periodic p = (Periodic) periodic(Duration.ofHours(2));
    assertThat(p.retryInterval()).isEqualTo(Duration.ofMinutes(6));
    assertThat(p.retentions()).isEqualTo(21);
    p.run();
    clock.advance(Duration.ofMinutes(114));
    assertThat(compacted).isEmpty();
    clock.advance(Duration.ofMinutes(6));
    assertThat(compacted).containsExactly(1L);
    for (int i = 1; i <= 3; i++) {
      clock.advance(Duration.ofMinutes(54));
      assertThat(compacted).hasSize(i);
      clock.advance(Duration.ofMinutes(6));
      assertThat(compacted).hasSize(i + 1).last().isEqualTo(i * 10L);
    }
    p.stop();
    clock.advance(Duration.ofHours(3));
    assertThat(compacted).hasSize(4);
    assertThat(clock.pending()).isZero();
  }

  @Test
  void periodicBelowAnHourCompactsEveryPeriod() {
    // TestPeriodicMinutes: 5 minutes, samples every 30 s, compacts every 5 minutes.
    Periodic p = (Periodic) periodic(Duration.ofMinutes(5));
    assertThat(p.retryInterval()).isEqualTo(Duration.ofSeconds(30));
    p.run();
    clock.advance(Duration.ofMinutes(5));
    assertThat(compacted).containsExactly(1L);
    clock.advance(Duration.ofMinutes(5));
    // 11 samples a window, the oldest taken 5 minutes ago; etcd's test expects (i + 1) * 10.
    assertThat(compacted).containsExactly(1L, 10L);
  }

  @Test
  void periodicPausedSamplesButDoesNotCompactUntilResumed() {
    Periodic p = (Periodic) periodic(Duration.ofHours(1));
    p.pause();
    p.run();
    clock.advance(Duration.ofHours(3));
    assertThat(compacted).isEmpty();
    p.resume();
    clock.advance(Duration.ofMinutes(6));
    // The window slid on while paused: 31 samples taken, the 11 newest kept.
    assertThat(compacted).containsExactly(21L);
  }

  @Test
  void periodicRetriesAFailedCompactionAtTheNextSample() {
    Periodic p = (Periodic) periodic(Duration.ofHours(1));
    failWith = new IllegalStateException("etcdserver: request timed out");
    p.run();
    clock.advance(Duration.ofHours(1));
    assertThat(compacted).containsExactly(1L);
    failWith = null;
    clock.advance(Duration.ofMinutes(6));
    // 11 samples are kept, so the oldest is still the first.
    assertThat(compacted).containsExactly(1L, 1L);
    clock.advance(Duration.ofMinutes(54));
    assertThat(compacted).containsExactly(1L, 1L);
    clock.advance(Duration.ofMinutes(6));
    assertThat(compacted).containsExactly(1L, 1L, 11L);
  }

  @Test
  void periodicTakesAlreadyCompactedAsSuccess() {
    Periodic p = (Periodic) periodic(Duration.ofHours(1));
    failWith = new MvccException(MvccError.COMPACTED);
    p.run();
    clock.advance(Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(54));
    assertThat(compacted).hasSize(1);
  }

  @Test
  void revisionCompactsRetentionBehindTheCurrentRevisionEveryFiveMinutes() {
    // TestRevision: retention 10.
    Compactor r =
        Compactor.create(
            Compactor.MODE_REVISION, Duration.ofNanos(10), revs, this::compact, clock, clock);
    r.run();
    clock.advance(Duration.ofMinutes(5));
    assertThat(compacted).isEmpty(); // revision 1 - 10 is not positive
    revs.rev = 99;
    clock.advance(Duration.ofMinutes(5));
    assertThat(compacted).containsExactly(90L);
    revs.rev = 99;
    clock.advance(Duration.ofMinutes(5));
    assertThat(compacted).containsExactly(90L); // the same revision is skipped
    revs.rev = 199;
    clock.advance(Duration.ofMinutes(4));
    assertThat(compacted).containsExactly(90L);
    clock.advance(Duration.ofMinutes(1));
    assertThat(compacted).containsExactly(90L, 190L);
  }

  @Test
  void revisionPausedDoesNotCompact() {
    Compactor r =
        Compactor.create(
            Compactor.MODE_REVISION, Duration.ofNanos(10), revs, this::compact, clock, clock);
    r.pause();
    r.run();
    revs.rev = 99;
    clock.advance(Duration.ofMinutes(15));
    assertThat(compacted).isEmpty();
    r.resume();
    revs.rev = 99;
    clock.advance(Duration.ofMinutes(5));
    assertThat(compacted).containsExactly(90L);
  }

  @Test
  void anUnknownModeIsRefused() {
    assertThatThrownBy(
            () ->
                Compactor.create("hourly", Duration.ofHours(1), revs, this::compact, clock, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported compaction mode hourly");
  }
}
