package io.etcdj.storage.lease;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A monotonic nanosecond clock that only moves when a test advances it. Thread-safe. */
final class FakeNanoClock implements LongSupplier {
  private final AtomicLong now;

  FakeNanoClock(long start) {
    now = new AtomicLong(start);
  }

  FakeNanoClock() {
    this(1_000_000_000L);
  }

  @Override
  public long getAsLong() {
    return now.get();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
