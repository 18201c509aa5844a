package io.etcdj.storage.mvcc;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one store's transactions did, counted as etcd 3.4's {@code mvcc/metrics_txn.go} counts for
 * {@code etcd_mvcc_{range,put,delete,txn}_total}: each range, put and delete-range call of a read
 * or write txn, added when the txn ends; a txn of more than one such call is also one txn. The
 * numbers are exported by whoever owns the metrics registry; storage only counts.
 *
 * <p>Thread-safe: any thread may read; txns add when they end.
 */
public final class MvccCounters {
  private final LongAdder ranges = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder txns = new LongAdder();
  private final LongAdder putBytes = new LongAdder();

  /** Adds one ended txn's calls. */
  void add(int ranges, int puts, int deletes, long putBytes) {
    if (ranges + puts + deletes > 1) {
      txns.increment();
    }
    this.ranges.add(ranges);
    this.puts.add(puts);
    this.deletes.add(deletes);
    this.putBytes.add(putBytes);
  }

  public long ranges() {
    return ranges.sum();
  }

  public long puts() {
    return puts.sum();
  }

  public long deletes() {
    return deletes.sum();
  }

  public long txns() {
    return txns.sum();
  }

  /** Key plus value bytes of every put ({@code etcd_mvcc_put_size_in_bytes}). */
  public long putBytes() {
    return putBytes.sum();
  }
}
