package io.etcdj.etcdserver.v3compactor;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
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
final class Revision extends CompactorLoop {
  private static final Logger LOG = LoggerFactory.getLogger(Revision.class);

  /** etcd's {@code revInterval}. */
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(5);

  private final long retention;
  private final LongSupplier rev;
  private final Compactable compactable;

  @GuardedBy("this")
  private long prev;

  Revision(
      long retention,
      LongSupplier rev,
      Compactable compactable,
      ScheduledExecutorService scheduler) {
    super(scheduler);
    this.retention = retention;
    this.rev = requireNonNull(rev, "rev");
    this.compactable = requireNonNull(compactable, "compactable");
  }

  @Override
  public synchronized void run() {
    waitInterval();
  }

  private void waitInterval() {
    stepAfter(CHECK_INTERVAL);
  }

  @Override
  synchronized void step() {
    long at = rev.getAsLong() - retention;
    if (paused() || at <= 0 || at == prev) {
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
}
