package io.etcdj.storage.mvcc;

import java.time.Duration;

/**
 * Tuning of the watchable store. The defaults are etcd 3.4's package variables, which its own tests
 * override; here each store takes its own copy instead of a global.
 *
 * @param chanBufLen capacity of each stream's response queue (etcd {@code chanBufLen})
 * @param maxWatchersPerSync unsynced watchers caught up per sync pass ({@code maxWatchersPerSync})
 * @param watchBatchMaxRevs distinct revisions per catch-up response ({@code watchBatchMaxRevs})
 * @param syncInterval pause between sync passes when idle (etcd: 100 ms)
 * @param victimRetryInterval pause between retries of blocked watchers (etcd: 10 ms)
 */
public record WatchOptions(
    int chanBufLen,
    int maxWatchersPerSync,
    int watchBatchMaxRevs,
    Duration syncInterval,
    Duration victimRetryInterval) {

  public static final WatchOptions DEFAULT =
      new WatchOptions(128, 512, 1000, Duration.ofMillis(100), Duration.ofMillis(10));

  public WatchOptions {
    if (chanBufLen < 1 || maxWatchersPerSync < 1 || watchBatchMaxRevs < 1) {
      throw new IllegalArgumentException("watch limits must be positive");
    }
    if (syncInterval.isNegative() || victimRetryInterval.isNegative()) {
      throw new IllegalArgumentException("watch intervals must not be negative");
    }
  }

  public WatchOptions withChanBufLen(int n) {
    return new WatchOptions(
        n, maxWatchersPerSync, watchBatchMaxRevs, syncInterval, victimRetryInterval);
  }

  public WatchOptions withMaxWatchersPerSync(int n) {
    return new WatchOptions(chanBufLen, n, watchBatchMaxRevs, syncInterval, victimRetryInterval);
  }

  public WatchOptions withWatchBatchMaxRevs(int n) {
    return new WatchOptions(chanBufLen, maxWatchersPerSync, n, syncInterval, victimRetryInterval);
  }

  public WatchOptions withSyncInterval(Duration interval) {
    return new WatchOptions(
        chanBufLen, maxWatchersPerSync, watchBatchMaxRevs, interval, victimRetryInterval);
  }
}
