package io.etcdj.etcdserver.v3compactor;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What both compactors share: one step at a time on a scheduler, paused and resumed as the member's
 * role changes, stopped for good. Subclasses guard their own state by {@code this} too.
 */
abstract class CompactorLoop implements Compactor {
  private final ScheduledExecutorService scheduler;

  @GuardedBy("this")
  private boolean paused;

  @GuardedBy("this")
  private boolean stopped;

  @GuardedBy("this")
  private ScheduledFuture<?> next;

  CompactorLoop(ScheduledExecutorService scheduler) {
    this.scheduler = requireNonNull(scheduler, "scheduler");
  }

  /** Runs {@link #step} after {@code delay}, unless stopped. */
  final synchronized void stepAfter(Duration delay) {
    if (!stopped) {
      next = scheduler.schedule(this::runStep, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void runStep() {
    if (!stopped) {
      step();
    }
  }

  /** One pass of the loop; schedules the next with {@link #stepAfter}. */
  abstract void step();

  final synchronized boolean paused() {
    return paused;
  }

  @Override
  public final synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  @Override
  public final synchronized void pause() {
    paused = true;
  }

  @Override
  public final synchronized void resume() {
    paused = false;
  }
}
