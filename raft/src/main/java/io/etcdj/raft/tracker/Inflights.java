package io.etcdj.raft.tracker;

/**
 * A bounded ring of the last indexes of in-flight append messages to one follower (etcd {@code
 * tracker.Inflights}). Full means the leader pauses until acknowledgements free slots; this is the
 * {@code MaxInflightMsgs} flow control.
 *
 * <p>Not thread-safe; owned by the raft state's thread.
 */
public final class Inflights {
  private int start;
  private int count;
  private final int size;

  /** Grown lazily up to {@code size}, so idle followers cost little. */
  private long[] buffer = new long[0];

  public Inflights(int size) {
    this.size = size;
  }

  public Inflights copy() {
    Inflights c = new Inflights(size);
    c.start = start;
    c.count = count;
    c.buffer = buffer.clone();
    return c;
  }

  /** Records a message whose last entry index is {@code inflight}; indexes must increase. */
  public void add(long inflight) {
    if (full()) {
      throw new IllegalStateException("cannot add into a Full inflights");
    }
    int next = start + count;
    if (next >= size) {
      next -= size;
    }
    if (next >= buffer.length) {
      grow();
    }
    buffer[next] = inflight;
    count++;
  }

  private void grow() {
    int newSize = buffer.length * 2;
    if (newSize == 0) {
      newSize = 1;
    } else if (newSize > size) {
      newSize = size;
    }
    long[] nb = new long[newSize];
    System.arraycopy(buffer, 0, nb, 0, buffer.length);
    buffer = nb;
  }

  /** Frees every message whose last index is {@code <= to}. */
  public void freeLE(long to) {
    if (count == 0 || to < buffer[start]) {
      return;
    }
    int idx = start;
    int i;
    for (i = 0; i < count; i++) {
      if (to < buffer[idx]) {
        break;
      }
      idx++;
      if (idx >= size) {
        idx -= size;
      }
    }
    count -= i;
    start = idx;
    if (count == 0) {
      // Restart at the front so the buffer need not wrap.
      start = 0;
    }
  }

  /** Frees the oldest in-flight message. */
  public void freeFirstOne() {
    freeLE(buffer[start]);
  }

  public boolean full() {
    return count == size;
  }

  public int count() {
    return count;
  }

  void reset() {
    count = 0;
    start = 0;
  }
}
