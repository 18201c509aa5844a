package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Restores (snapshot installs) while writers, readers and asynchronous compactions run: nothing
 * deadlocks, no read fails other than with ErrCompacted, and revisions seen by readers of one
 * backend never go back.
 */
class RestoreRaceReviewTest {
  @Test
  void restoresRacingWithWritesReadsAndCompactionsNeitherDeadlockNorBreakReads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    AtomicBoolean stop = new AtomicBoolean();
    MemKvBackend snapshot = new MemKvBackend();
    try (KvStore src = KvStore.open(snapshot, KeyLeases.NONE, null, KvStoreContractTest.INLINE)) {
      for (int i = 0; i < 50; i++) {
        src.put(bytes("s" + (i % 7)), bytes("v" + i), 0);
      }
    }
    try (KvStore s =
        KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, new StoreConfig(3, 0, null))) {
      List<Future<?>> jobs = new ArrayList<>();
      jobs.add(
          pool.submit(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  s.put(bytes("k" + (i % 5)), bytes("v" + i), 0);
                  if (i % 4 == 0) {
                    s.deleteRange(bytes("k"), bytes("l"));
                  }
                  i++;
                }
                return null;
              }));
      jobs.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  try (TxnRead tr = s.read()) {
                    long first = Math.max(tr.firstRev(), 1);
                    tr.range(bytes("a"), new byte[0], RangeOptions.atRev(first));
                    tr.range(bytes("a"), new byte[0], RangeOptions.DEFAULT);
                  } catch (MvccException e) {
                    assertThat(e.error()).isEqualTo(MvccError.COMPACTED);
                  }
                }
                return null;
              }));
      jobs.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  long r = s.rev();
                  try {
                    s.compact(r - 1);
                  } catch (MvccException e) {
                    // A racing restore or compaction got there first.
                  }
                  Thread.onSpinWait();
                }
                return null;
              }));
      for (int i = 0; i < 20; i++) {
        Thread.yield();
        s.restore(CompactionCrashPointsReviewTest.copy(snapshot));
      }
      stop.set(true);
      for (Future<?> f : jobs) {
        f.get(30, TimeUnit.SECONDS);
      }
      s.compactBarrier().get(30, TimeUnit.SECONDS);
      assertThat(s.rev()).isGreaterThanOrEqualTo(50);
    } finally {
      stop.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
