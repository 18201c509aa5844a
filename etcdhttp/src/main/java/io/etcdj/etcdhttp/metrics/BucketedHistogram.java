package io.etcdj.etcdhttp.metrics;

import com.codahale.metrics.Metric;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram: fixed upper bounds, a count per bucket, a sum and a total count.
 *
 * <p>Dropwizard's own {@code Histogram} keeps a sampling reservoir and can only report quantiles of
 * recent samples; Prometheus histograms are cumulative counts since start, per fixed bucket, which
 * is what etcd's dashboards and alerts ({@code histogram_quantile} over {@code _bucket} rates)
 * need. So this type lives in the Dropwizard registry next to the counters and gauges, and {@link
 * PrometheusText} writes it as a {@code histogram}.
 *
 * <p>Thread-safe and lock-free: any thread may {@link #observe}.
 */
public final class BucketedHistogram implements Metric {
  private final double[] upperBounds;
  private final LongAdder[] counts; // counts[i]: observations in (bound[i-1], bound[i]]
  private final LongAdder overflow = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  public BucketedHistogram(double[] upperBounds) {
    for (int i = 1; i < upperBounds.length; i++) {
      if (!(upperBounds[i] > upperBounds[i - 1])) {
        throw new IllegalArgumentException("bucket bounds must increase");
      }
    }
    this.upperBounds = upperBounds.clone();
    this.counts = new LongAdder[upperBounds.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Prometheus {@code ExponentialBuckets(start, factor, count)}, computed as Go computes it. */
  public static double[] exponentialBuckets(double start, double factor, int count) {
    double[] b = new double[count];
    double v = start;
    for (int i = 0; i < count; i++) {
      b[i] = v;
      v *= factor;
    }
    return b;
  }

  public void observe(double v) {
    int i = 0;
    while (i < upperBounds.length && v > upperBounds[i]) {
      i++;
    }
    if (i < upperBounds.length) {
      counts[i].increment();
    } else {
      overflow.increment();
    }
    sum.add(v);
  }

  /** Observes a duration given in nanoseconds, in seconds (etcd's unit). */
  public void observeNanos(long nanos) {
    observe(nanos / 1e9);
  }

  /** A consistent-enough view for one scrape: cumulative counts per bound, then the total. */
  Snapshot snapshot() {
    long[] cumulative = new long[upperBounds.length];
    long running = 0;
    for (int i = 0; i < upperBounds.length; i++) {
      running += counts[i].sum();
      cumulative[i] = running;
    }
    long total = running + overflow.sum();
    return new Snapshot(upperBounds.clone(), cumulative, total, sum.sum());
  }

  record Snapshot(double[] upperBounds, long[] cumulative, long count, double sum) {}
}
