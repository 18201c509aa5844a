package io.etcdj.etcdserver.v3compactor;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last {@code retention} revisions ({@code v3compactor/revision.go}): every five minutes
 * it compacts at the current revision minus the retention, unless that is not positive or is where
 * it compacted last time.
 *
 * <p>Threading: as {@link Periodic}.
 */
final class Revision implements Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Revision.class);

  /** etcd's {@code revInterval}. */
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(5);

  private final long retention;
  private final LongSupplier rev;
  private final Compactable compactable;
  private final ScheduledExecutorService scheduler;

  @GuardedBy("this")
  private long prev;

  @GuardedBy("this")
  private boolean paused;

  @GuardedBy("this")
  private boolean stopped;

  @GuardedBy("this")
  private ScheduledFuture<?> next;

  Revision(
      long retention,
      LongSupplier rev,
      Compactable compactable,
      ScheduledExecutorService scheduler) {
    this.retention = retention;
    this.rev = requireNonNull(rev, "rev");
    this.compactable = requireNonNull(compactable, "compactable");
    this.scheduler = requireNonNull(scheduler, "scheduler");
  }

  @Override
  public synchronized void run() {
    waitInterval();
  }

  @GuardedBy("this")
  private void waitInterval() {
    if (!stopped) {
      next = scheduler.schedule(this::step, CHECK_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void step() {
    if (stopped) {
      return;
    }
    long at = rev.getAsLong() - retention;
    if (paused || at <= 0 || at == prev) {
      waitInterval();
      return;
    }
    LOG.atInfo()
        .addKeyValue("revision", at)
        .addKeyValue("revision-compaction-retention", retention)
        .log("starting auto revision compaction");
    long started = System.nanoTime();
    compactable
        .compact(at)
        .whenComplete(
            (ok, err) -> {
              synchronized (this) {
                if (err == null || CompactionErrors.isCompacted(err)) {
                  prev = at;
                  LOG.atInfo()
                      .addKeyValue("revision", at)
                      .addKeyValue("revision-compaction-retention", retention)
                      .addKeyValue("took", Duration.ofNanos(System.nanoTime() - started))
                      .log("completed auto revision compaction");
                } else {
                  LOG.atWarn()
                      .addKeyValue("revision", at)
                      .addKeyValue("revision-compaction-retention", retention)
                      .addKeyValue("retry-interval", CHECK_INTERVAL)
                      .addKeyValue(
                          "error", String.valueOf(CompactionErrors.cause(err).getMessage()))
                      .log("failed auto revision compaction");
                }
                waitInterval();
              }
            });
  }

  @Override
  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  @Override
  public synchronized void pause() {
    paused = true;
  }

  @Override
  public synchronized void resume() {
    paused = false;
  }
}
