package io.etcdj.etcdserver.v3compactor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Automatic compaction of the key-value store ({@code etcdserver/api/v3compactor}): {@link
 * Periodic} keeps a time window of history, {@link Revision} a number of revisions. The server
 * pauses it on followers and resumes it on the leader, so only the leader compacts.
 *
 * <p>Threading: {@link #run}, {@link #stop}, {@link #pause} and {@link #resume} may be called from
 * any thread; the work itself runs on the given scheduler, one step at a time.
 */
public interface Compactor {
  /** {@code --auto-compaction-mode periodic}. */
  String MODE_PERIODIC = "periodic";

  /** {@code --auto-compaction-mode revision}. */
  String MODE_REVISION = "revision";

  /** Starts the loop in the background. */
  void run();

  /** Stops the loop for good. */
  void stop();

  /** Skips compactions until {@link #resume}. */
  void pause();

  void resume();

  /**
   * What the compactor compacts through: proposes a compaction at a revision and completes when it
   * is applied, exceptionally with the apply error ({@code mvcc: required revision has been
   * compacted} counts as done).
   */
  @FunctionalInterface
  interface Compactable {
    CompletableFuture<?> compact(long revision);
  }

  /**
   * etcd's {@code v3compactor.New}: a periodic compactor keeps {@code retention}; a revision
   * compactor keeps {@code retention.toNanos()} revisions, because etcd hands both modes the same
   * {@code time.Duration} (a plain number is that many revisions there).
   *
   * @param nanoClock monotonic nanoseconds (the scheduler's clock in tests)
   * @throws IllegalArgumentException {@code unsupported compaction mode <mode>}
   */
  static Compactor create(
      String mode,
      Duration retention,
      LongSupplier rev,
      Compactable c,
      ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    requireNonNull(retention, "retention");
    return switch (mode) {
      case MODE_PERIODIC -> new Periodic(retention, rev, c, scheduler, nanoClock);
      case MODE_REVISION -> new Revision(retention.toNanos(), rev, c, scheduler);
      default -> throw new IllegalArgumentException("unsupported compaction mode " + mode);
    };
  }
}
