package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static io.etcdj.storage.mvcc.WatchTesting.newStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchStreamTest {

  private final FakeKv kv = new FakeKv();
  private final WatchableStore store = newStore(kv);

  /** etcd TestWatcherWatchID: ids are unique and each response carries its watcher's id. */
  @Test
  void eachWatcherGetsAUniqueIdThatTagsItsResponses() throws Exception {
    try (WatchStream ws = store.newWatchStream()) {
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        long id = ws.watch(WatchStream.AUTO_WATCH_ID, bs("foo"), null, 0);
        assertThat(seen.add(id)).isTrue();
        kv.put("foo", "bar");
        assertThat(ws.poll().watchId()).isEqualTo(id);
        ws.cancel(id);
      }
      kv.put("foo2", "bar");
      for (int i = 0; i < 10; i++) {
        long id = ws.watch(WatchStream.AUTO_WATCH_ID, bs("foo2"), null, 1); // unsynced
        assertThat(seen.add(id)).isTrue();
        store.syncWatchers();
        assertThat(ws.poll().watchId()).isEqualTo(id);
        ws.cancel(id);
      }
    }
  }

  /** etcd TestWatcherRequestsCustomID: explicit ids, duplicates refused, auto ids skip them. */
  @Test
  void customIdsAreHonouredAndAutoIdsSkipThem() throws Exception {
    try (WatchStream ws = store.newWatchStream()) {
      assertThat(ws.watch(1, bs("foo"), null, 0)).isEqualTo(1);
      assertThatThrownBy(() -> ws.watch(1, bs("foo"), null, 0))
          .isInstanceOf(WatchException.class)
          .hasMessage("mvcc: duplicate watch ID provided on the WatchStream");
      assertThat(ws.watch(WatchStream.AUTO_WATCH_ID, bs("foo"), null, 0)).isEqualTo(0);
      assertThat(ws.watch(WatchStream.AUTO_WATCH_ID, bs("foo"), null, 0)).isEqualTo(2);
    }
  }

  /** etcd TestWatcherWatchWrongRange: end <= key is refused; an empty end means "from key". */
  @Test
  void emptyOrInvertedRangeIsRefused() throws Exception {
    try (WatchStream ws = store.newWatchStream()) {
      assertThatThrownBy(() -> ws.watch(0, bs("foa"), bs("foa"), 1))
          .hasMessage("mvcc: watcher range is empty");
      assertThatThrownBy(() -> ws.watch(0, bs("fob"), bs("foa"), 1))
          .hasMessage("mvcc: watcher range is empty");
      assertThat(ws.watch(0, bs("foo"), bs(""), 1)).isEqualTo(0);
      assertThat(store.unsyncedSize()).isEqualTo(0); // startRev 1 > rev 0: synced
    }
  }

  /** etcd TestWatchStreamCancelWatcherByID. */
  @Test
  void cancelByIdWorksOnceThenReportsNotExist() throws Exception {
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    ws.cancel(id);
    assertThatThrownBy(() -> ws.cancel(id))
        .isInstanceOf(WatchException.class)
        .hasMessage("mvcc: watcher does not exist")
        .extracting(e -> ((WatchException) e).reason())
        .isEqualTo(WatchException.Reason.WATCHER_NOT_EXIST);
    assertThatThrownBy(() -> ws.cancel(id + 1)).hasMessage("mvcc: watcher does not exist");
    assertThat(ws.watcherCount()).isZero();
    assertThat(store.syncedSize()).isZero();
    ws.close();
  }

  @Test
  void closeCancelsWatchersAndLetsTheConsumerDrainThenSeeEnd() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("a"), null, 0);
    ws.watch(0, bs("b"), bs("c"), 0);
    kv.put("a", "1");
    ws.close();
    ws.close(); // idempotent
    assertThat(store.syncedSize()).isZero();
    assertThat(ws.take().events()).hasSize(1);
    assertThat(ws.take()).isNull();
    assertThat(ws.poll(Duration.ofMillis(1))).isNull();
    assertThatThrownBy(() -> ws.watch(0, bs("a"), null, 0))
        .hasMessage("mvcc: watcher range is empty");
    assertThatThrownBy(() -> ws.cancel(0)).hasMessage("mvcc: watcher does not exist");
    kv.put("a", "2"); // nobody left to notify
    assertThat(ws.poll()).isNull();
  }

  @Test
  void listenerRunsWhenAResponseIsQueued() throws Exception {
    try (WatchStream ws = store.newWatchStream()) {
      int[] calls = new int[1];
      ws.setResponseListener(() -> calls[0]++);
      ws.watch(0, bs("a"), null, 0);
      kv.put("a", "1");
      kv.put("b", "1");
      assertThat(calls[0]).isEqualTo(1);
      assertThat(ws.pending()).isEqualTo(1);
    }
  }
}
