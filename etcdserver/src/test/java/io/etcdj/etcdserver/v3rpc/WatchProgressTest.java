package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A stream's periodic progress notifications (etcd v3rpc/watch.go sendLoop's progressTicker). */
class WatchProgressTest {
  final FakeClock clock = new FakeClock();
  final List<Long> requested = new ArrayList<>();

  /** No jitter, so the ticks fall exactly on the interval. */
  static final class NoJitter extends Random {
    @Override
    public long nextLong(long bound) {
      return 0;
    }
  }

  WatchProgress progress(Duration interval, Random random) {
    return new WatchProgress(clock, Runnable::run, interval, random, requested::add);
  }

  @Test
  void progressNotifyWatchersAreAskedForProgressEveryInterval() {
    WatchProgress p = progress(Duration.ofMinutes(10), new NoJitter());
    p.watching(1);
    p.watching(2);
    clock.advance(Duration.ofMinutes(10).minusNanos(1));
    assertThat(requested).isEmpty();
    clock.advance(Duration.ofNanos(1));
    assertThat(requested).containsExactly(1L, 2L);
    clock.advance(Duration.ofMinutes(10));
    assertThat(requested).containsExactly(1L, 2L, 1L, 2L);
  }

  @Test
  void aWatcherThatWasSentEventsSkipsOneTick() {
    WatchProgress p = progress(Duration.ofSeconds(1), new NoJitter());
    p.watching(1);
    p.watching(2);
    p.sentEvents(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(requested).containsExactly(2L);
    clock.advance(Duration.ofSeconds(1));
    assertThat(requested).containsExactly(2L, 1L, 2L);
  }

  @Test
  void canceledWatchersAndStoppedStreamsAreNotAsked() {
    WatchProgress p = progress(Duration.ofSeconds(1), new NoJitter());
    p.watching(1);
    p.watching(2);
    p.sentEvents(3); // not a progress_notify watcher: ignored
    p.canceled(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(requested).containsExactly(2L);
    p.stop();
    clock.advance(Duration.ofSeconds(5));
    assertThat(requested).containsExactly(2L);
    assertThat(clock.pending()).isZero();
  }

  @Test
  void eachStreamAddsUpToATenthOfTheIntervalAtRandom() {
    WatchProgress p = progress(Duration.ofSeconds(10), new Random(7));
    p.watching(1);
    clock.advance(Duration.ofSeconds(10).minusNanos(1));
    assertThat(requested).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(requested).containsExactly(1L);
  }

  @Test
  void theIntervalDefaultsToTenMinutesAndIsAtLeast100Milliseconds() {
    assertThat(WatchProgress.reportInterval(Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
    assertThat(WatchProgress.reportInterval(Duration.ofMillis(50)))
        .isEqualTo(Duration.ofMillis(100));
    assertThat(WatchProgress.reportInterval(Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));
  }
}
