package io.etcdj.etcdserver.v3compactor;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts away the history older than a retention period ({@code v3compactor/periodic.go}).
 *
 * <p>It samples the store revision every tenth of the period (a tenth of an hour for periods above
 * an hour), keeping the samples of one period. Once a whole period has passed since the start it
 * compacts at the oldest sample, the revision of one period ago; after that it compacts every
 * period, at most every hour. A failed compaction is retried at the next sample.
 *
 * <p>Threading: steps run on the scheduler one at a time (the next is scheduled only after a
 * compaction completed); the state is guarded by {@code this} because a compaction completes on the
 * apply thread.
 */
final class Periodic extends CompactorLoop {
  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  /** etcd's {@code retryDivisor}. */
  static final int RETRY_DIVISOR = 10;

  private final Duration period;
  private final LongSupplier rev;
  private final Compactable compactable;
  private final LongSupplier nanoClock;

  @GuardedBy("this")
  private final ArrayDeque<Long> revs = new ArrayDeque<>();

  @GuardedBy("this")
  private long lastSuccess;

  @GuardedBy("this")
  private Duration baseInterval;

  Periodic(
      Duration period,
      LongSupplier rev,
      Compactable compactable,
      ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    super(scheduler);
    this.period = requireNonNull(period, "period");
    this.rev = requireNonNull(rev, "rev");
    this.compactable = requireNonNull(compactable, "compactable");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
  }

  /** At most one hour: compactions after the first come this often. */
  Duration compactInterval() {
    return period.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : period;
  }

  /** A tenth of {@link #compactInterval}: revisions are sampled this often. */
  Duration retryInterval() {
    return compactInterval().dividedBy(RETRY_DIVISOR);
  }

  /** Samples kept: one period's worth plus the current one. */
  int retentions() {
    return (int) (period.toNanos() / retryInterval().toNanos()) + 1;
  }

  @Override
  public synchronized void run() {
    lastSuccess = nanoClock.getAsLong();
    baseInterval = period;
    sampleAndWait();
  }

  @GuardedBy("this")
  private void sampleAndWait() {
    revs.addLast(rev.getAsLong());
    if (revs.size() > retentions()) {
      revs.removeFirst(); // the first is now always the revision of one period ago
    }
    stepAfter(retryInterval());
  }

  @Override
  synchronized void step() {
    if (paused() || nanoClock.getAsLong() - lastSuccess < baseInterval.toNanos()) {
      sampleAndWait();
      return;
    }
    // The first compaction waits a whole period; later ones come every compact interval.
    if (baseInterval.equals(period)) {
      baseInterval = compactInterval();
    }
    long at = revs.getFirst();
    LOG.atInfo()
        .addKeyValue("revision", at)
        .addKeyValue("compact-period", period)
        .log("starting auto periodic compaction");
    compactable
        .compact(at)
        .whenComplete(
            (ok, err) -> {
              synchronized (this) {
                if (err == null || CompactionErrors.isCompacted(err)) {
                  LOG.atInfo()
                      .addKeyValue("revision", at)
                      .addKeyValue("compact-period", period)
                      // etcd measures from the last success, not from this compaction's start.
                      .addKeyValue("took", Duration.ofNanos(nanoClock.getAsLong() - lastSuccess))
                      .log("completed auto periodic compaction");
                  lastSuccess = nanoClock.getAsLong();
                } else {
                  LOG.atWarn()
                      .addKeyValue("revision", at)
                      .addKeyValue("compact-period", period)
                      .addKeyValue("retry-interval", retryInterval())
                      .addKeyValue(
                          "error", String.valueOf(CompactionErrors.cause(err).getMessage()))
                      .log("failed auto periodic compaction");
                }
                sampleAndWait();
              }
            });
  }
}
