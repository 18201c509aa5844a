package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static io.etcdj.storage.mvcc.WatchTesting.drain;
import static io.etcdj.storage.mvcc.WatchTesting.revisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.Event.EventType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watchable store over the real {@link KvStore} (etcd {@code watchable_store_test.go}, {@code
 * watcher_test.go} with their exact revisions: a fresh store is at revision 1, so the first put is
 * revision 2), run against each {@link KvBackend}.
 */
abstract class WatchableKvStoreContractTest {

  /** Compaction runs inline on the compacting thread: deterministic. */
  static final StoreConfig INLINE = new StoreConfig(1000, 0, Runnable::run);

  abstract KvBackend newBackend();

  abstract void closeBackends();

  KvStore kv;
  WatchableStore store;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void open() {
    kv = KvStore.open(newBackend(), KeyLeases.NONE, null, INLINE);
    store = WatchableStore.wrap(kv, null, WatchOptions.DEFAULT, null);
  }

  @AfterEach
  void close() {
    store.close();
    kv.close();
    closeBackends();
  }

  /** etcd TestWatch / TestWatcherWatchID: live events carry the txn's revision. */
  @Test
  void liveEventsCarryTheirRevision() throws Exception {
    store.put(b("foo"), b("bar"), 0);
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    assertThat(store.syncedWatchesKey(bs("foo"))).isTrue();
    long rev = store.put(b("foo"), b("baz"), 0);
    assertThat(rev).isEqualTo(3);
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(id);
    assertThat(r.revision()).isEqualTo(3);
    assertThat(r.events().get(0).getKv())
        .isEqualTo(kv.range(b("foo"), null, RangeOptions.DEFAULT).kvs().get(0));
  }

  /** etcd TestWatchDeleteRange: the exact events of a delete-range, live and caught up. */
  @Test
  void deleteRangeEventsLiveAndFromHistoryAreTheSame() throws Exception {
    for (int i = 0; i < 3; i++) {
      store.put(b("foo_" + i), b("bar"), 0);
    }
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), bs("foo_99"), 0);
    store.deleteRange(b("foo"), b("foo_99"));
    List<Event> live = ws.poll().events();
    assertThat(live)
        .extracting(
            e -> e.getType(),
            e -> e.getKv().getKey().toStringUtf8(),
            e -> e.getKv().getModRevision())
        .containsExactly(
            tuple(EventType.DELETE, "foo_0", 5L),
            tuple(EventType.DELETE, "foo_1", 5L),
            tuple(EventType.DELETE, "foo_2", 5L));

    ws.watch(0, bs("foo"), bs("foo_99"), 2);
    store.syncWatchers();
    List<Event> replay = ws.poll().events();
    assertThat(replay).hasSize(6);
    assertThat(replay.subList(3, 6)).isEqualTo(live);
    assertThat(replay.get(0).getKv().getModRevision()).isEqualTo(2);
  }

  /** etcd TestSyncWatchers over the real backend. */
  @Test
  void syncWatchersReadsTheBackendHistory() throws Exception {
    store.put(b("foo"), b("bar"), 0);
    WatchStream ws = store.newWatchStream();
    for (int i = 0; i < 100; i++) {
      ws.watch(0, bs("foo"), null, 1);
    }
    assertThat(store.syncWatchers()).isZero();
    assertThat(store.syncedSize()).isEqualTo(100);
    List<WatchResponse> got = drain(ws);
    assertThat(got).hasSize(100);
    Event e = got.get(0).events().get(0);
    assertThat(e.getType()).isEqualTo(EventType.PUT);
    assertThat(e.getKv().getValue().toStringUtf8()).isEqualTo("bar");
    assertThat(store.minRevOf(ws.watcher(0))).isEqualTo(kv.rev() + 1);
  }

  /** etcd TestWatchCompacted. */
  @Test
  void compactedStartIsReportedWithTheCompactRevision() throws Exception {
    for (int i = 0; i < 10; i++) {
      store.put(b("foo"), b("bar"), 0);
    }
    kv.compact(5).get();
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 4);
    store.syncWatchers();
    assertThat(ws.poll()).isEqualTo(new WatchResponse(id, List.of(), 0, 5));
    // From exactly the compacted revision is still allowed.
    long ok = ws.watch(0, bs("foo"), null, 5);
    store.syncWatchers();
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(ok);
    assertThat(revisions(List.of(r))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
  }

  /** etcd TestWatchFutureRev. */
  @Test
  void futureStartIsHonoured() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 10);
    for (int i = 0; i < 10; i++) {
      store.put(b("foo"), b("bar"), 0);
    }
    List<WatchResponse> got = drain(ws);
    assertThat(revisions(got)).containsExactly(10L, 11L);
    assertThat(got.get(0).revision()).isEqualTo(10);
  }

  /** etcd TestWatchRestore (both the normal and the "sync loop ran before restore" cases). */
  @Test
  void restoreFromAnotherBackendDeliversItsHistory() throws Exception {
    KvBackend other = newBackend();
    long rev;
    try (KvStore s2 = KvStore.open(other, KeyLeases.NONE, null, INLINE)) {
      rev = s2.put(b("foo"), b("bar"), 0);
    }
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, rev - 1);
    store.syncWatchers(); // nothing to read yet: the watcher becomes synced
    store.restore(() -> kv.restore(other));
    store.syncWatchers();
    WatchResponse r = ws.poll();
    assertThat(r.revision()).isEqualTo(rev);
    assertThat(revisions(List.of(r))).containsExactly(rev);
  }

  /** etcd TestWatchBatchUnsynced. */
  @Test
  void catchUpIsBatched() throws Exception {
    WatchableStore s =
        WatchableStore.wrap(kv, null, WatchOptions.DEFAULT.withWatchBatchMaxRevs(4), null);
    for (int i = 0; i < 12; i++) {
      s.put(b("foo"), b("foo"), 0);
    }
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 1);
    for (int i = 0; i < 3; i++) {
      s.syncWatchers();
      assertThat(ws.poll().events()).hasSize(4);
    }
    assertThat(s.syncedSize()).isEqualTo(1);
  }

  @Test
  void prevKvComesFromTheStoreAtTheRevisionBefore() throws Exception {
    store.put(b("foo"), b("a"), 0);
    store.put(b("foo"), b("b"), 0);
    store.deleteRange(b("foo"), null);
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 2);
    store.syncWatchers();
    List<Event> evs = ws.withPrevKv(ws.poll()).events();
    assertThat(evs.get(0).hasPrevKv()).isFalse();
    assertThat(evs.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("a");
    assertThat(evs.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("b");
    assertThat(evs.get(2).getPrevKv().getModRevision()).isEqualTo(3);
  }

  @Test
  void aTxnWithManyChangesIsOneResponseAtOneRevision() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("a"), bs(""), 0);
    try (TxnWrite tw = store.write()) {
      tw.put(b("a"), b("1"), 0);
      tw.put(b("b"), b("1"), 0);
      tw.deleteRange(b("a"), null);
    }
    List<WatchResponse> got = drain(ws);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).events())
        .extracting(
            e -> e.getType(),
            e -> e.getKv().getKey().toStringUtf8(),
            e -> e.getKv().getModRevision())
        .containsExactly(
            tuple(EventType.PUT, "a", 2L),
            tuple(EventType.PUT, "b", 2L),
            tuple(EventType.DELETE, "a", 2L));
  }

  @Test
  void aTxnWithoutChangesNotifiesNobodyAndEndsOnce() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("a"), bs(""), 0);
    TxnWrite tw = store.write();
    tw.deleteRange(b("missing"), null);
    tw.end();
    tw.end();
    assertThat(ws.poll()).isNull();
    assertThat(store.put(b("a"), b("1"), 0)).isEqualTo(2);
  }
}
