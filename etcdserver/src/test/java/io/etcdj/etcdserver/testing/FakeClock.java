package io.etcdj.etcdserver.testing;

import java.time.Duration;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A scheduler and monotonic nano clock that only move when a test calls {@link #advance}: due tasks
 * then run on the test's thread, in due order, including tasks they schedule themselves and
 * repetitions of periodic ones (grpc-java's {@code FakeClock}, in small).
 */
public final class FakeClock extends AbstractExecutorService
    implements ScheduledExecutorService, LongSupplier {
  private final PriorityQueue<Job> jobs = new PriorityQueue<>();
  private long nanos;
  private long order;

  @Override
  public synchronized long getAsLong() {
    return nanos;
  }

  /** Moves time forward by {@code d}, running what falls due. */
  public void advance(Duration d) {
    long end;
    synchronized (this) {
      end = nanos + d.toNanos();
    }
    while (true) {
      Job j;
      synchronized (this) {
        j = jobs.peek();
        if (j == null || j.due > end) {
          nanos = end;
          return;
        }
        jobs.poll();
        nanos = Math.max(nanos, j.due);
      }
      if (!j.cancelled) {
        j.task.run();
        synchronized (this) {
          if (j.period > 0 && !j.cancelled) {
            j.due = (j.fixedRate ? j.due : nanos) + j.period;
            j.order = order++;
            jobs.add(j);
          }
        }
      }
    }
  }

  /** Tasks waiting to run (not cancelled). */
  public synchronized int pending() {
    return (int) jobs.stream().filter(j -> !j.cancelled).count();
  }

  private synchronized Job add(Runnable r, long delayNanos, long period, boolean fixedRate) {
    Job j = new Job(r, nanos + Math.max(0, delayNanos), period, fixedRate, order++);
    jobs.add(j);
    return j;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(delay), 0, false);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("schedule(Callable)");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(period), true);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(delay), false);
  }

  @Override
  public void execute(Runnable command) {
    add(command, 0, 0, false);
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private static final class Job implements ScheduledFuture<Void> {
    final Runnable task;
    final long period;
    final boolean fixedRate;
    long due;
    long order;
    volatile boolean cancelled;

    Job(Runnable task, long due, long period, boolean fixedRate, long order) {
      this.task = task;
      this.due = due;
      this.period = period;
      this.fixedRate = fixedRate;
      this.order = order;
    }

    @Override
    public int compareTo(Delayed o) {
      Job other = (Job) o;
      return due != other.due ? Long.compare(due, other.due) : Long.compare(order, other.order);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Void get() {
      return null;
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
