package io.etcdj.storage.mvcc;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes from the backend's {@code key} bucket every revision {@code <= rev} that the compacted
 * index no longer references, in batches, then records {@code meta/finishedCompactRev} (etcd {@code
 * store.scheduleCompaction}, {@code mvcc/kvstore_compaction.go}).
 *
 * <p>Each batch holds the backend's batch tx for at most {@code compactionBatchLimit} keys and is
 * committed at once; between batches the job pauses so writers get the batch tx.
 *
 * <p>Runs on the store's compaction thread; one instance per compaction.
 */
final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  private final KvBackend b;
  private final long rev;
  private final Set<Revision> keep;
  private final int batchLimit;
  private final long pauseMillis;
  private final CountDownLatch stop;

  Compaction(KvBackend b, long rev, Set<Revision> keep, StoreConfig cfg, CountDownLatch stop) {
    this.b = b;
    this.rev = rev;
    this.keep = keep;
    this.batchLimit = cfg.compactionBatchLimit();
    this.pauseMillis = cfg.compactionPauseMillis();
    this.stop = stop;
  }

  /** Runs to the end; false if told to stop first. */
  boolean run() {
    long start = System.nanoTime();
    // Every key of a revision with main <= rev sorts below the 8-byte prefix rev+1.
    byte[] end = ByteBuffer.allocate(8).putLong(rev + 1).array();
    byte[] last = new byte[Revision.BYTES_LEN];
    long deleted = 0;
    while (true) {
      Revision lastRev = null;
      KvBackend.WriteTx tx = b.lockWrite();
      try {
        KvBackend.Range r = tx.range(KvBackend.KEY_BUCKET, last, end, batchLimit);
        for (byte[] key : r.keys()) {
          lastRev = Revision.fromBytes(key);
          if (!keep.contains(lastRev)) {
            tx.delete(KvBackend.KEY_BUCKET, key);
            deleted++;
          }
        }
        if (r.keys().size() < batchLimit) {
          tx.put(KvBackend.META_BUCKET, KvStore.FINISHED_COMPACT_KEY, Revision.of(rev).toBytes());
          LOG.info(
              "finished scheduled compaction at {} ({} keys deleted, took {} ms)",
              rev,
              deleted,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          return true;
        }
        last = new Revision(lastRev.main(), lastRev.sub() + 1).toBytes();
      } finally {
        tx.unlock();
      }
      // Commit the deletes now instead of letting them pile up in the write batch.
      b.forceCommit();
      try {
        if (stop.await(pauseMillis, TimeUnit.MILLISECONDS)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
