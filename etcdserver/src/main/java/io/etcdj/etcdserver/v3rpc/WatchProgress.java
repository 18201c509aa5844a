package io.etcdj.etcdserver.v3rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic progress notifications of one watch stream ({@code v3rpc/watch.go}'s {@code progress}
 * map and {@code progressTicker}): every interval, each watcher created with {@code
 * progress_notify} that was sent no events since the last tick is asked for a progress
 * notification, which the store sends only if the watcher is synced (etcd 3.4.45's {@code
 * progressIfSync}).
 *
 * <p>Threading: every method but {@link #stop} runs on the stream's serial executor; the ticker
 * hops onto it.
 */
final class WatchProgress {
  private static final Logger LOG = LoggerFactory.getLogger(WatchProgress.class);

  /** etcd's default {@code progressReportInterval}. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

  /** etcd's {@code minWatchProgressInterval}. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  // Watch id -> whether it is due a notification at the next tick (no events sent since the last).
  private final Map<Long, Boolean> progress = new LinkedHashMap<>();
  private final LongConsumer requestProgress;
  private final ScheduledFuture<?> ticker;

  /**
   * @param interval the server's report interval ({@link #reportInterval}); the stream adds up to a
   *     tenth of it at random, so streams opened together do not tick together
   * @param requestProgress asks the store for watcher {@code id}'s progress notification
   */
  WatchProgress(
      ScheduledExecutorService scheduler,
      Executor serial,
      Duration interval,
      Random random,
      LongConsumer requestProgress) {
    this.requestProgress = requestProgress;
    long base = interval.toNanos();
    long period = base + random.nextLong(Math.max(1, base / 10));
    this.ticker =
        scheduler.scheduleAtFixedRate(
            () -> serial.execute(this::tick), period, period, TimeUnit.NANOSECONDS);
  }

  /**
   * The interval a server uses for {@code --experimental-watch-progress-notify-interval}: zero
   * means etcd's 10 minutes; anything below 100 ms is raised to 100 ms with etcd's warning.
   */
  static Duration reportInterval(Duration configured) {
    if (configured.isZero() || configured.isNegative()) {
      return DEFAULT_INTERVAL;
    }
    if (configured.compareTo(MIN_INTERVAL) < 0) {
      LOG.atWarn()
          .addKeyValue("min-watch-progress-notify-interval", MIN_INTERVAL)
          .log("adjusting watch progress notify interval to minimum period");
      return MIN_INTERVAL;
    }
    return configured;
  }

  /** A watcher created with {@code progress_notify}. */
  void watching(long id) {
    progress.put(id, true);
  }

  void canceled(long id) {
    progress.remove(id);
  }

  /** Events went out to {@code id}: they carry its progress, so the next tick skips it. */
  void sentEvents(long id) {
    progress.computeIfPresent(id, (k, v) -> false);
  }

  void tick() {
    for (Map.Entry<Long, Boolean> e : progress.entrySet()) {
      if (e.getValue()) {
        requestProgress.accept(e.getKey());
      }
      e.setValue(true);
    }
  }

  void stop() {
    ticker.cancel(false);
  }
}
