package io.etcdj.storage.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A binary min-heap of {@link LeaseWithTime} ordered by time (etcd {@code LeaseQueue}, which is a
 * {@code container/heap}). Each entry records its own index so that {@link #fix} can move it after
 * its time changed.
 *
 * <p>Not thread-safe; guarded by the lessor's lock.
 */
final class LeaseQueue {
  private final List<LeaseWithTime> heap = new ArrayList<>();

  int size() {
    return heap.size();
  }

  boolean isEmpty() {
    return heap.isEmpty();
  }

  /** The entry with the smallest time, or {@code null} when empty. */
  LeaseWithTime peek() {
    return heap.isEmpty() ? null : heap.get(0);
  }

  void push(LeaseWithTime item) {
    item.index = heap.size();
    heap.add(item);
    siftUp(item.index);
  }

  /** Removes and returns the entry with the smallest time. */
  LeaseWithTime pop() {
    if (heap.isEmpty()) {
      throw new NoSuchElementException("lease queue is empty");
    }
    LeaseWithTime top = heap.get(0);
    int last = heap.size() - 1;
    swap(0, last);
    heap.remove(last);
    if (!heap.isEmpty()) {
      siftDown(0);
    }
    top.index = -1;
    return top;
  }

  /** Restores heap order after the time of the entry at {@code index} changed. */
  void fix(int index) {
    if (!siftDown(index)) {
      siftUp(index);
    }
  }

  void clear() {
    heap.forEach(item -> item.index = -1);
    heap.clear();
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (heap.get(i).time >= heap.get(parent).time) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  /** Returns whether the entry moved. */
  private boolean siftDown(int start) {
    int i = start;
    int n = heap.size();
    while (true) {
      int left = 2 * i + 1;
      if (left >= n) {
        break;
      }
      int smallest = left;
      int right = left + 1;
      if (right < n && heap.get(right).time < heap.get(left).time) {
        smallest = right;
      }
      if (heap.get(smallest).time >= heap.get(i).time) {
        break;
      }
      swap(i, smallest);
      i = smallest;
    }
    return i > start;
  }

  private void swap(int i, int j) {
    LeaseWithTime a = heap.get(i);
    LeaseWithTime b = heap.get(j);
    heap.set(i, b);
    heap.set(j, a);
    a.index = j;
    b.index = i;
  }
}
