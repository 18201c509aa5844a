package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatcherGroupTest {

  private final WatchResponseQueue queue = new WatchResponseQueue(8);
  private long nextId;

  private Watcher watcher(String key, String end, long minRev) {
    return new Watcher(
        bs(key), end == null ? null : bs(end), nextId++, minRev, new WatchFilter[0], queue);
  }

  private static Event put(String key, long rev) {
    return Event.newBuilder()
        .setKv(
            KeyValue.newBuilder()
                .setKey(bs(key))
                .setValue(ByteString.copyFromUtf8("v"))
                .setModRevision(rev))
        .build();
  }

  @Test
  void keyAndRangeWatchersAreFoundByKey() {
    WatcherGroup g = new WatcherGroup();
    Watcher foo = watcher("foo", null, 1);
    Watcher fooPrefix = watcher("foo", "fop", 1);
    Watcher fooPrefix2 = watcher("foo", "fop", 1);
    Watcher all = watcher("\0", "", 1);
    g.add(foo);
    g.add(fooPrefix);
    g.add(fooPrefix2);
    g.add(all);
    assertThat(g.watchersOf(bs("foo"))).containsExactlyInAnyOrder(foo, fooPrefix, fooPrefix2, all);
    assertThat(g.watchersOf(bs("foobar"))).containsExactlyInAnyOrder(fooPrefix, fooPrefix2, all);
    assertThat(g.watchersOf(bs("a"))).containsExactly(all);
    assertThat(g.watchesKey(bs("zzz"))).isTrue();

    assertThat(g.delete(all)).isTrue();
    assertThat(g.delete(all)).isFalse();
    assertThat(g.watchesKey(bs("zzz"))).isFalse();
    assertThat(g.delete(fooPrefix)).isTrue();
    assertThat(g.watchersOf(bs("foobar"))).containsExactly(fooPrefix2);
    assertThat(g.delete(fooPrefix2)).isTrue();
    assertThat(g.watchesKey(bs("foobar"))).isFalse();
    assertThat(g.delete(foo)).isTrue();
    assertThat(g.isEmpty()).isTrue();
    assertThat(g.watchesKey(bs("foo"))).isFalse();
  }

  @Test
  void addingTheSameWatcherTwiceIsABug() {
    WatcherGroup g = new WatcherGroup();
    Watcher w = watcher("a", null, 1);
    g.add(w);
    assertThatThrownBy(() -> g.add(w)).hasMessage("add watcher twice!");
  }

  @Test
  void chooseTakesTheOldestWatchersUpToTheLimit() {
    WatcherGroup g = new WatcherGroup();
    Watcher a = watcher("a", null, 1);
    Watcher b = watcher("b", "c", 1);
    Watcher c = watcher("c", null, 1);
    g.add(a);
    g.add(b);
    g.add(c);
    WatcherGroup chosen = g.choose(2);
    assertThat(chosen.watchers()).containsExactly(a, b);
    assertThat(chosen.watchesKey(bs("bb"))).isTrue();
    assertThat(g.size()).isEqualTo(3);
  }

  /** etcd TestNewMapwatcherToEventMap: events are mapped to the watchers of their keys. */
  @Test
  void eventsAreBatchedPerWatcherOfTheirKey() {
    Watcher w0 = watcher("foo0", null, 0);
    Watcher w1 = watcher("foo1", null, 0);
    Watcher w2 = watcher("foo2", null, 0);
    List<Event> evs = List.of(put("foo0", 1), put("foo1", 1), put("foo2", 1));

    assertThat(EventBatch.forWatchers(new WatcherGroup(), evs, 1000)).isEmpty();

    WatcherGroup g = new WatcherGroup();
    g.add(w2);
    assertThat(EventBatch.forWatchers(g, evs.subList(0, 1), 1000)).isEmpty();

    g = new WatcherGroup();
    g.add(w1);
    Map<Watcher, EventBatch> m = EventBatch.forWatchers(g, evs.subList(1, 2), 1000);
    assertThat(m).containsOnlyKeys(w1);
    assertThat(m.get(w1).events()).isEqualTo(evs.subList(1, 2));

    g = new WatcherGroup();
    g.add(w0);
    g.add(w2);
    m = EventBatch.forWatchers(g, evs.subList(2, 3), 1000);
    assertThat(m).containsOnlyKeys(w2);

    g = new WatcherGroup();
    g.add(w0);
    g.add(w1);
    m = EventBatch.forWatchers(g, evs.subList(0, 2), 1000);
    assertThat(m).containsOnlyKeys(w0, w1);
    assertThat(m.get(w0).events()).containsExactly(evs.get(0));
    assertThat(m.get(w1).events()).containsExactly(evs.get(1));
  }

  @Test
  void eventsBeforeAWatchersMinRevAreNotBatched() {
    Watcher w = watcher("k", null, 3);
    WatcherGroup g = new WatcherGroup();
    g.add(w);
    Map<Watcher, EventBatch> m =
        EventBatch.forWatchers(g, List.of(put("k", 2), put("k", 3), put("k", 4)), 1000);
    assertThat(m.get(w).events())
        .extracting(e -> e.getKv().getModRevision())
        .containsExactly(3L, 4L);
  }

  @Test
  void batchStopsAtMaxRevisionsAndRemembersWhereToResume() {
    EventBatch b = new EventBatch(2);
    b.add(put("a", 5));
    b.add(put("b", 5));
    b.add(put("a", 6));
    b.add(put("a", 7));
    b.add(put("a", 8));
    assertThat(b.events()).extracting(e -> e.getKv().getModRevision()).containsExactly(5L, 5L, 6L);
    assertThat(b.moreRev()).isEqualTo(7);
  }

  @Test
  void filteredOutBatchCountsAsDeliveredButProgressIsAlwaysSent() {
    Watcher w = new Watcher(bs("k"), null, 9, 1, new WatchFilter[] {WatchFilter.NO_PUT}, queue);
    assertThat(w.send(WatchResponse.ofEvents(9, List.of(put("k", 1)), 1))).isTrue();
    assertThat(queue.size()).isZero();
    assertThat(w.send(WatchResponse.progress(9, 1))).isTrue();
    assertThat(queue.size()).isEqualTo(1);
  }
}
