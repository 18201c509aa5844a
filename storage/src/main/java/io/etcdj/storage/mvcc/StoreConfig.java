package io.etcdj.storage.mvcc;

import java.util.concurrent.Executor;

/**
 * Settings of a {@link KvStore} (etcd {@code StoreConfig}).
 *
 * @param compactionBatchLimit keys deleted per backend batch during compaction (etcd default 1000)
 * @param compactionPauseMillis pause between two compaction batches so writers get the batch tx
 *     (etcd: 10 ms)
 * @param scheduler runs compaction jobs; null = the store owns a single daemon thread. Must run
 *     tasks one at a time in submission order (a single-thread executor): compactions are FIFO.
 */
public record StoreConfig(
    int compactionBatchLimit, long compactionPauseMillis, Executor scheduler) {
  public static final int DEFAULT_COMPACTION_BATCH_LIMIT = 1000;
  public static final long DEFAULT_COMPACTION_PAUSE_MILLIS = 10;

  public static StoreConfig defaults() {
    return new StoreConfig(DEFAULT_COMPACTION_BATCH_LIMIT, DEFAULT_COMPACTION_PAUSE_MILLIS, null);
  }

  public StoreConfig {
    if (compactionBatchLimit <= 0) {
      compactionBatchLimit = DEFAULT_COMPACTION_BATCH_LIMIT;
    }
    if (compactionPauseMillis < 0) {
      throw new IllegalArgumentException("compactionPauseMillis must be >= 0");
    }
  }
}
