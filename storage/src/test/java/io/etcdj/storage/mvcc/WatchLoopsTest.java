package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static io.etcdj.storage.mvcc.WatchTesting.drain;
import static io.etcdj.storage.mvcc.WatchTesting.revisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The background loops (etcd {@code syncWatchersLoop}, {@code syncVictimsLoop}) on a fake clock: no
 * threads, no sleeps.
 */
class WatchLoopsTest {

  private static final long MS = 1_000_000;

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeKv kv = new FakeKv();

  private WatchableStore start(WatchOptions options) {
    WatchableStore s = new WatchableStore(kv, options, clock, clock);
    kv.attach(s);
    s.start();
    return s;
  }

  @Test
  void syncLoopCatchesUpUnsyncedWatchersEveryHundredMilliseconds() throws Exception {
    WatchableStore s = start(WatchOptions.DEFAULT);
    assertThatThrownBy(s::start).hasMessage("Already started");
    kv.put("foo", "1");
    clock.advance(0); // first pass: nothing unsynced
    assertThat(clock.pendingDelays()).containsExactly(100 * MS);

    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 1);
    clock.advance(99 * MS);
    assertThat(ws.poll()).isNull();
    clock.advance(1 * MS);
    assertThat(revisions(drain(ws))).containsExactly(1L);
    assertThat(s.unsyncedSize()).isZero();
    assertThat(clock.pendingDelays()).containsExactly(100 * MS);
  }

  /** etcd: when a pass made progress but work remains, the next pass comes as soon as possible. */
  @Test
  void syncLoopComesBackAtOnceWhileItIsMakingProgress() throws Exception {
    WatchableStore s = start(WatchOptions.DEFAULT.withMaxWatchersPerSync(2));
    kv.put("foo", "1");
    WatchStream ws = s.newWatchStream();
    for (int i = 0; i < 5; i++) {
      ws.watch(0, bs("foo"), null, 1);
    }
    clock.advance(0);
    assertThat(s.unsyncedSize()).isZero(); // three passes at the same instant: 2 + 2 + 1
    assertThat(drain(ws)).hasSize(5);
    assertThat(clock.pendingDelays()).containsExactly(100 * MS);
  }

  @Test
  void victimLoopRetriesEveryTenMillisecondsUntilDeliveredThenStops() throws Exception {
    WatchableStore s = start(WatchOptions.DEFAULT.withChanBufLen(1));
    clock.advance(0);
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    kv.put("foo", "1");
    kv.put("foo", "2"); // victim: the victim loop is queued now
    assertThat(clock.pendingDelays()).containsExactly(0L, 100 * MS);
    clock.advance(0); // still full: retried in 10 ms
    assertThat(s.victimCount()).isEqualTo(1);
    assertThat(clock.pendingDelays()).containsExactly(10 * MS, 100 * MS);

    List<Long> got = new java.util.ArrayList<>(revisions(drain(ws)));
    clock.advance(10 * MS);
    assertThat(s.victimCount()).isZero();
    got.addAll(revisions(drain(ws)));
    assertThat(got).containsExactly(1L, 2L);
    assertThat(clock.pendingDelays()).as("victim loop idle again").containsExactly(90 * MS);

    kv.put("foo", "3");
    assertThat(revisions(drain(ws))).containsExactly(3L);
  }

  @Test
  void closeStopsTheLoops() throws Exception {
    WatchableStore s =
        start(new WatchOptions(1, 512, 1000, Duration.ofMillis(100), Duration.ofMillis(10)));
    clock.advance(0);
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    kv.put("foo", "1");
    kv.put("foo", "2");
    s.close();
    s.close();
    clock.advance(1000 * MS);
    assertThat(clock.pendingDelays()).isEmpty();
    assertThat(s.victimCount()).isEqualTo(1); // nobody retries any more
  }
}
