package io.etcdj.storage.mvcc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A scheduler on a fake clock: nothing runs until the test calls {@link #advance}, which moves the
 * clock and runs, in due-time order, every task that has come due (including ones those tasks
 * schedule). {@link #execute} queues a task due now. Also serves as the nano clock.
 *
 * <p>Thread-safe by synchronization, but meant for single-threaded tests.
 */
final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService, LongSupplier {

  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long seq;

  @Override
  public synchronized long getAsLong() {
    return now;
  }

  /** Moves the clock by {@code nanos}, running every task due by then. Returns how many ran. */
  int advance(long nanos) {
    long until;
    synchronized (this) {
      until = now + nanos;
    }
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        next = null;
        for (Task t : tasks) {
          if (!t.cancelled && t.due <= until && (next == null || t.compareTo(next) < 0)) {
            next = t;
          }
        }
        if (next == null) {
          now = until;
          return ran;
        }
        tasks.remove(next);
        now = Math.max(now, next.due);
      }
      next.command.run();
      ran++;
    }
  }

  /** Delays of the live tasks, in nanoseconds from now, soonest first. */
  synchronized List<Long> pendingDelays() {
    return tasks.stream().filter(t -> !t.cancelled).map(t -> t.due - now).sorted().toList();
  }

  private synchronized ScheduledFuture<?> add(Runnable command, long delayNanos) {
    Task t = new Task(command, now + Math.max(0, delayNanos), seq++);
    tasks.add(t);
    return t;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(delay));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    add(command, 0);
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

  private static final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final long due;
    final long order;
    volatile boolean cancelled;

    Task(Runnable command, long due, long order) {
      this.command = command;
      this.due = due;
      this.order = order;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      Task t = (Task) o;
      return due != t.due ? Long.compare(due, t.due) : Long.compare(order, t.order);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
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
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
