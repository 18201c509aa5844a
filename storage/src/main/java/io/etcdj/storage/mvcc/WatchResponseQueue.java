package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded channel a {@link WatchStream}'s watchers share (etcd's buffered {@code chan
 * WatchResponse} of {@code chanBufLen}). The store side only ever {@link #offer}s, which never
 * blocks: a full queue makes the watcher a victim instead. After {@link #close()} the consumer can
 * still drain what was queued, then reads null, like receiving from a closed Go channel.
 *
 * <p>Thread-safe: any number of producers (the store, under its lock) and consumers.
 */
final class WatchResponseQueue {

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();

  @GuardedBy("lock")
  private final ArrayDeque<WatchResponse> items = new ArrayDeque<>();

  @GuardedBy("lock")
  private boolean closed;

  private volatile Runnable listener = () -> {};

  WatchResponseQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Queues {@code response} if there is room. Returns false when full. After close the response is
   * dropped and true returned: nobody is listening any more, so retrying would be pointless.
   */
  boolean offer(WatchResponse response) {
    lock.lock();
    try {
      if (closed) {
        return true;
      }
      if (items.size() >= capacity) {
        return false;
      }
      items.addLast(response);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    listener.run();
    return true;
  }

  WatchResponse poll() {
    lock.lock();
    try {
      return items.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  WatchResponse poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (items.isEmpty() && !closed) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return items.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  WatchResponse take() throws InterruptedException {
    lock.lock();
    try {
      while (items.isEmpty() && !closed) {
        notEmpty.await();
      }
      return items.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  int capacity() {
    return capacity;
  }

  void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    listener.run();
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  void setListener(Runnable listener) {
    this.listener = listener;
  }
}
