package io.etcdj.etcdhttp.metrics;

import com.codahale.metrics.Counter;
import java.util.function.DoubleSupplier;

/**
 * A counter whose total is a double its owner keeps (seconds of CPU), read at each scrape; {@link
 * PrometheusText} writes {@link #total()}, not the rounded count.
 *
 * <p>Thread-safe if the supplier is.
 */
final class DoubleCounter extends Counter {
  private final DoubleSupplier total;

  DoubleCounter(DoubleSupplier total) {
    this.total = total;
  }

  double total() {
    return total.getAsDouble();
  }

  @Override
  public long getCount() {
    return (long) total.getAsDouble();
  }
}
