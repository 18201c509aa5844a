package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real threads against the running sync and victim loops: concurrent writers, compaction, slow
 * consumers. Bounded in size; each test finishes in well under a few seconds.
 */
@Timeout(60)
abstract class WatchConcurrencyTest {

  /** The KV store under test, seen through the few operations these tests need. */
  interface Target {
    /** Wraps the store in a watchable store running its loops on {@code loops}, started. */
    WatchableStore start(WatchOptions options, ScheduledExecutorService loops);

    void put(String key, String value);

    /** Deletes {@code [key, end)} ({@code end == null}: just key). */
    void delete(String key, String end);

    /** One txn: put a, put b, delete c. */
    void txn(String a, String b, String c, String value);

    /** Compacts at {@code rev} if that is above the last compaction; physical deletion may lag. */
    void compact(long rev);

    long rev();

    long compactRev();

    /** Every change ever made at revisions >= from, whatever was compacted since. */
    List<Event> history(long from);

    void close() throws Exception;
  }

  abstract Target newTarget() throws Exception;

  private static final WatchOptions TIGHT =
      new WatchOptions(4, 3, 16, Duration.ofMillis(2), Duration.ofMillis(1));

  private final ScheduledExecutorService loops = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private Target kv;
  private WatchableStore store;

  private WatchableStore start(WatchOptions options) throws Exception {
    kv = newTarget();
    store = kv.start(options, loops);
    return store;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (store != null) {
      store.close();
    }
    threads.shutdownNow();
    loops.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(loops.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    if (kv != null) {
      kv.close(); // only once nothing can touch the store any more
    }
  }

  /** What one watcher is expected to see, and what it got. */
  private static final class Tracked {
    final String name;
    final ByteString key;
    final ByteString end;
    final long startRev;
    final List<Event> got = new CopyOnWriteArrayList<>();
    final List<Long> responseRevs = new CopyOnWriteArrayList<>();
    volatile long compactRevision;

    Tracked(String name, String key, String end, long startRev) {
      this.name = name;
      this.key = bs(key);
      this.end = end == null ? null : bs(end);
      this.startRev = startRev;
    }

    boolean watches(ByteString k) {
      return end == null ? key.equals(k) : IntervalTree.contains(key, end, k);
    }
  }

  private void consume(WatchStream ws, Map<Long, Tracked> byId, AtomicBoolean stop, long seed) {
    Random rnd = new Random(seed);
    try {
      while (!stop.get()) {
        WatchResponse r = ws.poll(Duration.ofMillis(5));
        if (r == null) {
          continue;
        }
        Tracked t = byId.get(r.watchId());
        if (t == null) {
          throw new AssertionError("response for unknown watch id " + r);
        }
        if (r.compactRevision() != 0) {
          t.compactRevision = r.compactRevision();
        } else {
          t.got.addAll(r.events());
          t.responseRevs.add(r.revision());
        }
        if (rnd.nextInt(8) == 0) {
          LockSupport.parkNanos(200_000); // a slow consumer now and then: makes victims
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String key(Random rnd) {
    return "k" + rnd.nextInt(10);
  }

  private void write(Random rnd, int ops) {
    for (int i = 0; i < ops; i++) {
      if (i % 16 == 0) {
        LockSupport.parkNanos(100_000); // let the watchers breathe now and then
      }
      int op = rnd.nextInt(10);
      if (op < 6) {
        kv.put(key(rnd), "v" + i);
      } else if (op < 8) {
        kv.delete(key(rnd), null);
      } else if (op < 9) {
        kv.txn(key(rnd), key(rnd) + "x", key(rnd), "t" + i);
      } else {
        kv.delete("k3", "k6");
      }
    }
  }

  /**
   * Several writers and a compactor against watchers started before, during (in the past) and ahead
   * of the writes: every watcher gets exactly the store's history for its keys from its start
   * revision, in order, no gap, no duplicate; or, if compaction overtook it, a prefix of that
   * followed by the compaction notice.
   */
  @Test
  void concurrentWritersAndCompactionNeverBreakPerWatcherOrder() throws Exception {
    start(TIGHT);
    kv.put("k0", "seed");
    long r0 = kv.rev();

    Map<Long, Tracked> byIdA = new ConcurrentHashMap<>();
    Map<Long, Tracked> byIdB = new ConcurrentHashMap<>();
    WatchStream a = store.newWatchStream();
    WatchStream b = store.newWatchStream();
    List<Tracked> all = new ArrayList<>();
    Object[][] early = {
      {"k1 now", "k1", null, 0L},
      {"k3-k6 now", "k3", "k6", 0L},
      {"all from 1", "\0", "", 1L},
      {"k2 from 1", "k2", null, 1L},
      {"k5 future", "k5", null, r0 + 300},
      {"from k7 now", "k7", "", 0L},
    };
    int n = 0;
    for (Object[] spec : early) {
      WatchStream ws = n++ % 2 == 0 ? a : b;
      Map<Long, Tracked> byId = ws == a ? byIdA : byIdB;
      long start = (Long) spec[3];
      Tracked t =
          new Tracked(
              (String) spec[0], (String) spec[1], (String) spec[2], start == 0 ? r0 + 1 : start);
      // Register before watching: the first response can beat watch() returning.
      byId.put((long) n, t);
      ws.watch(n, t.key, t.end, start);
      all.add(t);
    }

    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> consumers = new ArrayList<>();
    consumers.add(threads.submit(() -> consume(a, byIdA, stop, 1)));
    consumers.add(threads.submit(() -> consume(b, byIdB, stop, 2)));

    CountDownLatch writersDone = new CountDownLatch(3);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      long seed = 100L + w;
      writers.add(
          threads.submit(
              () -> {
                try {
                  write(new Random(seed), 300);
                } finally {
                  writersDone.countDown();
                }
              }));
    }

    // Watchers joining mid-stream from the past, and a compactor chasing them.
    Map<Long, Tracked> byIdC = new ConcurrentHashMap<>();
    WatchStream c = store.newWatchStream();
    consumers.add(threads.submit(() -> consume(c, byIdC, stop, 3)));
    Random rnd = new Random(9);
    for (int i = 0; i < 6; i++) {
      while (kv.rev() < r0 + 60L * (i + 1) && writersDone.getCount() > 0) {
        Thread.onSpinWait();
      }
      long rev = kv.rev();
      long from = Math.max(1, rev - rnd.nextInt(80));
      boolean range = i % 2 == 0;
      Tracked t = new Tracked("past#" + i, range ? "k0" : "k4", range ? "k9" : null, from);
      byIdC.put(i + 1L, t);
      c.watch(i + 1L, t.key, t.end, from);
      all.add(t);
      if (i == 3 || i == 5) {
        kv.compact(Math.max(1, rev - 150));
      }
    }
    assertThat(writersDone.await(30, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : writers) {
      f.get(); // a writer that failed fails the test
    }
    for (int k = 0; k < 10; k++) {
      kv.put("k" + k, "final"); // every watcher has a last event to wait for
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Tracked t : all) {
      long last = 0;
      for (Event e : kv.history(t.startRev)) {
        if (t.watches(e.getKv().getKey())) {
          last = e.getKv().getModRevision();
        }
      }
      while (t.compactRevision == 0
          && (t.got.isEmpty() || t.got.get(t.got.size() - 1).getKv().getModRevision() < last)) {
        for (Future<?> f : consumers) {
          if (f.isDone()) {
            f.get(); // a consumer died: surface why
          }
        }
        assertThat(System.nanoTime())
            .as(
                "%s to catch up to %d: got %d events, last %s; synced=%d unsynced=%d victims=%d"
                    + " rev=%d compact=%d",
                t.name,
                last,
                t.got.size(),
                t.got.isEmpty() ? "-" : t.got.get(t.got.size() - 1).getKv().getModRevision(),
                store.syncedSize(),
                store.unsyncedSize(),
                store.victimCount(),
                kv.rev(),
                kv.compactRev())
            .isLessThan(deadline);
        Thread.sleep(1);
      }
    }
    stop.set(true);
    for (Future<?> f : consumers) {
      f.get(10, TimeUnit.SECONDS);
    }

    int compacted = 0;
    for (Tracked t : all) {
      List<Event> expected = new ArrayList<>();
      for (Event e : kv.history(t.startRev)) {
        if (t.watches(e.getKv().getKey())) {
          expected.add(e);
        }
      }
      if (t.compactRevision != 0) {
        compacted++;
        assertThat(t.got).as(t.name).isEqualTo(expected.subList(0, t.got.size()));
        long lastGot =
            t.got.isEmpty() ? t.startRev - 1 : t.got.get(t.got.size() - 1).getKv().getModRevision();
        assertThat(t.compactRevision).as(t.name).isGreaterThan(lastGot);
      } else {
        assertThat(t.got).as(t.name).isEqualTo(expected);
      }
      for (int i = 1; i < t.responseRevs.size(); i++) {
        assertThat(t.responseRevs.get(i))
            .as(t.name)
            .isGreaterThanOrEqualTo(t.responseRevs.get(i - 1));
      }
    }
    assertThat(compacted).isLessThan(all.size());
    assertThat(kv.compactRev()).as("compaction ran during the test").isGreaterThan(r0);
  }

  /**
   * etcd TestWatchVictims: many watchers on one key with a one-slot queue and slow consumers, puts
   * from many threads; each watcher sees every revision exactly once in order.
   */
  @Test
  void victimsUnderSlowConsumersLoseNothing() throws Exception {
    start(new WatchOptions(1, 2, 1000, Duration.ofMillis(2), Duration.ofMillis(1)));
    int watchers = 24;
    int puts = 64;
    long r0 = kv.rev();
    List<Future<List<Long>>> results = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(watchers);
    for (int i = 0; i < watchers; i++) {
      results.add(
          threads.submit(
              () -> {
                try (WatchStream ws = store.newWatchStream()) {
                  ws.watch(0, bs("foo"), null, 1);
                  ready.countDown();
                  List<Long> revs = new ArrayList<>();
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                  while (revs.size() < puts && System.nanoTime() < deadline) {
                    WatchResponse r = ws.poll(Duration.ofMillis(10));
                    if (r != null) {
                      r.events().forEach(e -> revs.add(e.getKv().getModRevision()));
                      LockSupport.parkNanos(300_000);
                    }
                  }
                  assertThat(ws.poll(Duration.ofMillis(5))).isNull();
                  return revs;
                }
              }));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      writers.add(
          threads.submit(
              () -> {
                for (int i = 0; i < puts / 4; i++) {
                  kv.put("foo", "bar");
                }
              }));
    }
    for (Future<?> f : writers) {
      f.get(10, TimeUnit.SECONDS);
    }
    List<Long> want = new ArrayList<>();
    for (long r = r0 + 1; r <= r0 + puts; r++) {
      want.add(r);
    }
    for (Future<List<Long>> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(want);
    }
  }

  /** etcd TestStressWatchCancelClose: cancel and close racing each other and writes. */
  @Test
  void cancelAndCloseRacingWritesNeitherDeadlockNorLeak() throws Exception {
    start(TIGHT);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> tasks = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      WatchStream ws = store.newWatchStream();
      long[] ids = new long[6];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ws.watch(0, bs("foo"), null, i % 2 == 0 ? 0 : 1);
      }
      for (int i = 0; i < ids.length / 2; i++) {
        long id = ids[i];
        tasks.add(
            threads.submit(
                () -> {
                  go.await();
                  try {
                    ws.cancel(id);
                  } catch (WatchException e) {
                    assertThat(e.reason()).isEqualTo(WatchException.Reason.WATCHER_NOT_EXIST);
                  }
                  return null;
                }));
      }
      tasks.add(
          threads.submit(
              () -> {
                go.await();
                ws.close();
                return null;
              }));
    }
    go.countDown();
    for (int i = 0; i < 100; i++) {
      kv.put("foo", "bar");
    }
    for (Future<?> f : tasks) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertThat(store.syncedSize()).isZero();
    assertThat(store.unsyncedSize()).isZero();
    assertThat(store.victimCount()).isZero();
  }
}
