package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static io.etcdj.storage.mvcc.WatchTesting.drain;
import static io.etcdj.storage.mvcc.WatchTesting.newStore;
import static io.etcdj.storage.mvcc.WatchTesting.revisions;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.Event.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchableStoreTest {

  private final FakeKv kv = new FakeKv();
  private final WatchableStore store = newStore(kv);

  /** etcd TestWatch: a watch from now lands in the synced group. */
  @Test
  void watchFromNowIsSynced() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    assertThat(store.syncedWatchesKey(bs("foo"))).isTrue();
    assertThat(store.unsyncedSize()).isZero();
  }

  @Test
  void watchFromNowSeesOnlyLaterWritesEachAtItsRevision() throws Exception {
    kv.put("foo", "v1");
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    assertThat(ws.poll()).isNull();
    long rev = kv.put("foo", "v2");
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(id);
    assertThat(r.revision()).isEqualTo(rev);
    assertThat(r.events()).hasSize(1);
    Event e = r.events().get(0);
    assertThat(e.getType()).isEqualTo(EventType.PUT);
    assertThat(e.getKv().getValue().toStringUtf8()).isEqualTo("v2");
    assertThat(e.getKv().getModRevision()).isEqualTo(rev);
    assertThat(e.getKv().getCreateRevision()).isEqualTo(1);
    assertThat(e.getKv().getVersion()).isEqualTo(2);
  }

  /** etcd TestNewWatcherCancel. */
  @Test
  void cancelRemovesASyncedWatcher() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    ws.cancel(id);
    assertThat(store.syncedWatchesKey(bs("foo"))).isFalse();
    kv.put("foo", "again");
    assertThat(ws.poll()).isNull();
  }

  /** etcd TestCancelUnsynced. */
  @Test
  void cancelRemovesUnsyncedWatchers() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    long[] ids = new long[100];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ws.watch(0, bs("foo"), null, 1);
    }
    assertThat(store.unsyncedSize()).isEqualTo(100);
    for (long id : ids) {
      ws.cancel(id);
    }
    assertThat(store.unsyncedSize()).isZero();
    assertThat(store.syncWatchers()).isZero();
    assertThat(ws.poll()).isNull();
  }

  /** etcd TestSyncWatchers: one pass catches every watcher up and moves it to synced. */
  @Test
  void syncWatchersCatchesUpWatchersFromThePast() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    for (int i = 0; i < 100; i++) {
      ws.watch(0, bs("foo"), null, 1);
    }
    assertThat(store.syncedSize()).isZero();
    assertThat(store.unsyncedSize()).isEqualTo(100);

    assertThat(store.syncWatchers()).isZero();

    assertThat(store.syncedSize()).isEqualTo(100);
    assertThat(store.minRevOf(ws.watcher(0))).isEqualTo(kv.rev() + 1);
    List<WatchResponse> got = drain(ws);
    assertThat(got).hasSize(100);
    Event e = got.get(0).events().get(0);
    assertThat(e.getType()).isEqualTo(EventType.PUT);
    assertThat(e.getKv().getKey()).isEqualTo(bs("foo"));
    assertThat(e.getKv().getValue()).isEqualTo(bs("bar"));
  }

  @Test
  void watchFromThePastReplaysHistoryThenFollowsLiveWrites() throws Exception {
    for (int i = 0; i < 5; i++) {
      kv.put("k", "v" + i);
    }
    kv.delete("k", null);
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("k"), null, 2);
    assertThat(ws.poll()).as("nothing before the sync pass").isNull();
    store.syncWatchers();
    WatchResponse catchUp = ws.poll();
    assertThat(catchUp.revision()).isEqualTo(6);
    assertThat(revisions(List.of(catchUp))).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(catchUp.events().get(4).getType()).isEqualTo(EventType.DELETE);
    kv.put("k", "again");
    assertThat(revisions(drain(ws))).containsExactly(7L);
  }

  /** etcd TestWatchCompacted: a start below the compaction gets the compact revision. */
  @Test
  void watchFromACompactedRevisionIsToldTheCompactRevisionAndDropped() throws Exception {
    for (int i = 0; i < 10; i++) {
      kv.put("foo", "bar");
    }
    kv.compact(5);
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 4);
    store.syncWatchers();
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(id);
    assertThat(r.compactRevision()).isEqualTo(5);
    assertThat(r.events()).isEmpty();
    assertThat(store.unsyncedSize()).isZero();
    assertThat(store.syncedSize()).isZero();
    kv.put("foo", "later");
    store.syncWatchers();
    assertThat(ws.poll()).isNull();
    ws.cancel(id); // a compacted watcher can still be cancelled by its id
  }

  @Test
  void compactionNoticeWaitsForRoomAndNoEventsSlipThroughMeanwhile() throws Exception {
    WatchableStore small = newStore(kv, WatchOptions.DEFAULT.withChanBufLen(1));
    for (int i = 0; i < 10; i++) {
      kv.put("foo", "bar");
    }
    kv.compact(5);
    WatchStream ws = small.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    long old = ws.watch(0, bs("foo"), null, 3);
    kv.put("foo", "fills the queue");
    small.syncWatchers();
    assertThat(small.unsyncedSize()).isEqualTo(1);
    assertThat(drain(ws)).hasSize(1);
    small.syncWatchers();
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(old);
    assertThat(r.compactRevision()).isEqualTo(5);
    assertThat(r.events()).isEmpty();
  }

  /** etcd TestWatchFutureRev. */
  @Test
  void watchFromAFutureRevisionStartsExactlyThere() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 10);
    for (int i = 0; i < 10; i++) {
      kv.put("foo", "bar");
    }
    List<WatchResponse> got = drain(ws);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).revision()).isEqualTo(10);
    assertThat(got.get(0).events().get(0).getKv().getModRevision()).isEqualTo(10);
  }

  /** etcd TestWatchRestore: after a snapshot restore the watcher reads the new history. */
  @Test
  void restoreDeliversTheRestoredHistoryToWaitingWatchers() throws Exception {
    FakeKv other = new FakeKv();
    newStore(other);
    long rev = other.put("foo", "bar");

    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, rev - 1); // rev 0: from now, so synced
    store.restore(() -> kv.restoreFrom(other));
    assertThat(store.syncedSize()).isZero();
    store.syncWatchers();
    WatchResponse r = ws.poll();
    assertThat(r.revision()).isEqualTo(rev);
    assertThat(revisions(List.of(r))).containsExactly(rev);
  }

  /** etcd TestWatchRestoreSyncedWatcher: a future start survives a restore to a later store. */
  @Test
  void restoreKeepsAFutureStartRevision() throws Exception {
    long rev = kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, rev + 2);

    FakeKv other = new FakeKv();
    newStore(other);
    other.put("foo", "bar");
    other.put("foo", "bar");
    store.restore(() -> kv.restoreFrom(other));
    store.syncWatchers(); // must not treat minRev > current as a bug
    assertThat(ws.poll()).isNull();
    kv.put("foo", "bar");
    WatchResponse r = ws.poll();
    assertThat(r.revision()).isEqualTo(rev + 2);
    assertThat(revisions(List.of(r))).containsExactly(rev + 2);
  }

  @Test
  void restoreDoesNotReplayWhatASyncedWatcherAlreadyGot() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    kv.put("foo", "1");
    kv.put("foo", "2");
    assertThat(revisions(drain(ws))).containsExactly(1L, 2L);
    FakeKv same = new FakeKv();
    same.restoreFrom(kv);
    store.restore(() -> kv.restoreFrom(same));
    store.syncWatchers();
    assertThat(ws.poll()).isNull();
  }

  /** etcd TestWatchBatchUnsynced: catch-up comes in batches of watchBatchMaxRevs revisions. */
  @Test
  void catchUpIsSplitIntoBatchesOfMaxRevisions() throws Exception {
    WatchableStore s = newStore(kv, WatchOptions.DEFAULT.withWatchBatchMaxRevs(4));
    for (int i = 0; i < 12; i++) {
      kv.put("foo", "foo");
    }
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 1);
    for (int i = 0; i < 3; i++) {
      s.syncWatchers();
      WatchResponse r = ws.poll();
      assertThat(r.events()).hasSize(4);
      assertThat(r.events().get(0).getKv().getModRevision()).isEqualTo(1 + 4L * i);
      // what the watcher has seen so far, not the store's current revision (etcd says 12 each time)
      assertThat(r.revision()).isEqualTo(4L * (i + 1));
    }
    assertThat(s.syncedSize()).isEqualTo(1);
    assertThat(s.unsyncedSize()).isZero();
  }

  @Test
  void oneSyncPassTakesAtMostMaxWatchersPerSync() throws Exception {
    WatchableStore s = newStore(kv, WatchOptions.DEFAULT.withMaxWatchersPerSync(2));
    kv.put("foo", "bar");
    WatchStream ws = s.newWatchStream();
    for (int i = 0; i < 5; i++) {
      ws.watch(0, bs("foo"), null, 1);
    }
    assertThat(s.syncWatchers()).isEqualTo(3);
    assertThat(s.syncWatchers()).isEqualTo(1);
    assertThat(s.syncWatchers()).isZero();
    assertThat(drain(ws)).hasSize(5);
  }

  /** etcd TestWatchDeleteRange: one delete of many keys is one response at one revision. */
  @Test
  void deleteRangeReachesARangeWatcherAsOneRevision() throws Exception {
    for (int i = 0; i < 3; i++) {
      kv.put("foo_" + i, "bar");
    }
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), bs("foo_99"), 0);
    kv.delete("foo", "foo_99");
    WatchResponse r = ws.poll();
    assertThat(r.events())
        .extracting(
            e -> e.getType(),
            e -> e.getKv().getKey().toStringUtf8(),
            e -> e.getKv().getModRevision())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(EventType.DELETE, "foo_0", 4L),
            org.assertj.core.groups.Tuple.tuple(EventType.DELETE, "foo_1", 4L),
            org.assertj.core.groups.Tuple.tuple(EventType.DELETE, "foo_2", 4L));
  }

  /** etcd TestWatcherWatchPrefix: range watchers, synced and unsynced. */
  @Test
  void rangeWatcherSeesKeysInsideItsRangeOnly() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), bs("fop"), 0);
    kv.put("foobar", "v");
    kv.put("fop", "outside");
    kv.put("fo", "outside");
    kv.put("foo", "inside");
    assertThat(drain(ws))
        .flatExtracting(WatchResponse::events)
        .extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("foobar", "foo");

    ws.watch(0, bs("foo1"), bs("foo2"), 1);
    kv.put("foo1bar", "v");
    drain(ws);
    store.syncWatchers();
    assertThat(drain(ws))
        .flatExtracting(WatchResponse::events)
        .extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("foo1bar");
  }

  @Test
  void fromKeyWatcherWithEmptyEndSeesEveryLaterKey() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("b"), bs(""), 0);
    kv.put("a", "1");
    kv.put("b", "1");
    kv.put("zzzz", "1");
    assertThat(drain(ws))
        .flatExtracting(WatchResponse::events)
        .extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("b", "zzzz");
  }

  @Test
  void aTxnTouchingManyKeysIsOneResponsePerWatcher() throws Exception {
    WatchStream ws = store.newWatchStream();
    long all = ws.watch(0, bs("a"), bs("z"), 0);
    long onlyB = ws.watch(0, bs("b"), null, 0);
    kv.txn().put("a", "1").put("b", "1").put("c", "1").end();
    List<WatchResponse> got = drain(ws);
    assertThat(got).hasSize(2);
    assertThat(got)
        .filteredOn(r -> r.watchId() == all)
        .singleElement()
        .extracting(r -> r.events().size())
        .isEqualTo(3);
    assertThat(got)
        .filteredOn(r -> r.watchId() == onlyB)
        .singleElement()
        .extracting(r -> r.events().size())
        .isEqualTo(1);
  }

  /** etcd TestWatcherWatchWithFilter. */
  @Test
  void filtersDropUnwantedEventTypes() throws Exception {
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 0, WatchFilter.NO_PUT);
    long noDelete = ws.watch(0, bs("foo"), null, 0, WatchFilter.NO_DELETE);
    kv.put("foo", "bar");
    WatchResponse r = ws.poll();
    assertThat(r.watchId()).isEqualTo(noDelete);
    assertThat(ws.poll()).isNull();
    kv.delete("foo", null);
    r = ws.poll();
    assertThat(r.watchId()).isNotEqualTo(noDelete);
    assertThat(r.events().get(0).getType()).isEqualTo(EventType.DELETE);
    assertThat(ws.poll()).isNull();
  }

  @Test
  void filtersAlsoApplyToCatchUp() throws Exception {
    kv.put("foo", "1");
    kv.delete("foo", null);
    kv.put("foo", "2");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 1, WatchFilter.NO_PUT);
    store.syncWatchers();
    assertThat(revisions(drain(ws))).containsExactly(2L);
  }

  @Test
  void prevKvIsTheValueBeforeEachChange() throws Exception {
    kv.put("foo", "a");
    kv.put("foo", "b");
    kv.delete("foo", null);
    kv.put("foo", "c");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 1);
    store.syncWatchers();
    List<Event> evs = ws.withPrevKv(ws.poll()).events();
    assertThat(evs).hasSize(4);
    assertThat(evs.get(0).hasPrevKv()).as("create").isFalse();
    assertThat(evs.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("a");
    assertThat(evs.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("b");
    assertThat(evs.get(2).getPrevKv().getModRevision()).isEqualTo(2);
    assertThat(evs.get(3).hasPrevKv()).as("re-create after delete").isFalse();
  }

  @Test
  void prevKvIsLeftOutWhenThatRevisionWasCompacted() throws Exception {
    kv.put("foo", "a");
    kv.put("foo", "b");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 2);
    store.syncWatchers();
    WatchResponse r = ws.poll();
    kv.compact(2);
    assertThat(ws.withPrevKv(r).events().get(0).hasPrevKv()).isFalse();
  }

  /** etcd TestWatcherRequestProgress: only a synced watcher reports progress. */
  @Test
  void progressIsReportedOnlyForSyncedWatchers() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    ws.requestProgress(1000);
    assertThat(ws.poll()).isNull();
    long id = ws.watch(0, bs("bad"), null, 1);
    ws.requestProgress(id);
    assertThat(ws.poll()).isNull();
    store.syncWatchers();
    ws.requestProgress(id);
    WatchResponse r = ws.poll();
    assertThat(r).isEqualTo(new WatchResponse(id, List.of(), 1, 0));
    assertThat(r.isProgressNotify()).isTrue();
  }

  @Test
  void progressAllWaitsUntilEveryWatcherOfTheStreamIsSynced() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    ws.watch(0, bs("foo"), null, 1);
    assertThat(ws.requestProgressAll()).isFalse();
    assertThat(ws.poll()).isNull();
    store.syncWatchers();
    drain(ws);
    assertThat(ws.requestProgressAll()).isTrue();
    assertThat(ws.poll())
        .isEqualTo(new WatchResponse(WatchStream.INVALID_WATCH_ID, List.of(), 1, 0));
    // etcd 3.4.45: the notification rides on a watcher of the stream; without one nothing is sent.
    WatchStream empty = store.newWatchStream();
    assertThat(empty.requestProgressAll()).isTrue();
    assertThat(empty.poll()).isNull();
  }

  /** etcd 3.4.45 progressIfSync: no progress promises a revision below a watcher's start. */
  @Test
  void aWatcherStartingInTheFutureGetsNoProgressUntilTheStoreReachesItsStart() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 3);
    ws.requestProgress(id);
    assertThat(ws.requestProgressAll()).isFalse();
    assertThat(ws.poll()).isNull();
    kv.put("x", "1");
    kv.put("x", "2");
    drain(ws);
    ws.requestProgress(id);
    assertThat(ws.poll()).isEqualTo(new WatchResponse(id, List.of(), 3, 0));
    assertThat(ws.requestProgressAll()).isTrue();
    assertThat(ws.poll())
        .isEqualTo(new WatchResponse(WatchStream.INVALID_WATCH_ID, List.of(), 3, 0));
  }

  @Test
  void aWatcherFromNowReportsProgressAtOnce() throws Exception {
    kv.put("foo", "bar");
    WatchStream ws = store.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    ws.requestProgress(id);
    assertThat(ws.poll()).isEqualTo(new WatchResponse(id, List.of(), 1, 0));
  }

  /**
   * etcd TestWatchVictims, step by step: a full queue parks the batch, later writes wait, and once
   * the consumer drains everything arrives in order exactly once.
   */
  @Test
  void aBlockedWatcherBecomesAVictimAndLaterGetsEverythingInOrder() throws Exception {
    WatchableStore s = newStore(kv, WatchOptions.DEFAULT.withChanBufLen(1));
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 0);
    kv.put("foo", "1"); // queued
    kv.put("foo", "2"); // queue full: victim
    kv.put("foo", "3"); // not synced any more: waits in the store
    assertThat(s.victimCount()).isEqualTo(1);
    assertThat(s.syncedSize()).isZero();
    assertThat(s.moveVictims()).isZero(); // still full

    List<Long> got = new java.util.ArrayList<>(revisions(drain(ws)));
    assertThat(s.moveVictims()).isEqualTo(1);
    assertThat(s.victimCount()).isZero();
    assertThat(s.unsyncedSize()).isEqualTo(1); // rev 3 still to read
    got.addAll(revisions(drain(ws)));
    s.syncWatchers();
    got.addAll(revisions(drain(ws)));
    assertThat(s.syncedSize()).isEqualTo(1);
    kv.put("foo", "4");
    got.addAll(revisions(drain(ws)));
    assertThat(got).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aWatcherBlockedDuringCatchUpResumesWithoutLossOrDuplicate() throws Exception {
    WatchableStore s =
        newStore(kv, WatchOptions.DEFAULT.withChanBufLen(1).withWatchBatchMaxRevs(2));
    for (int i = 0; i < 7; i++) {
      kv.put("foo", "v" + i);
    }
    WatchStream ws = s.newWatchStream();
    ws.watch(0, bs("foo"), null, 1);
    List<Long> got = new java.util.ArrayList<>();
    for (int round = 0; round < 20 && got.size() < 8; round++) {
      s.syncWatchers(); // may block
      s.syncWatchers(); // certainly blocked: queue holds one response
      s.moveVictims();
      if (round == 3) {
        kv.put("foo", "live");
      }
      got.addAll(revisions(drain(ws)));
    }
    assertThat(got).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void cancellingAVictimRemovesItsParkedBatch() throws Exception {
    WatchableStore s = newStore(kv, WatchOptions.DEFAULT.withChanBufLen(1));
    WatchStream ws = s.newWatchStream();
    long id = ws.watch(0, bs("foo"), null, 0);
    kv.put("foo", "1");
    kv.put("foo", "2");
    assertThat(s.victimCount()).isEqualTo(1);
    ws.cancel(id);
    assertThat(s.victimCount()).isZero();
    drain(ws);
    assertThat(s.moveVictims()).isZero();
    assertThat(ws.poll()).isNull();
  }
}
