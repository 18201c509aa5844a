package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Revision-ordered events bound for one watcher, capped at a number of distinct revisions (etcd's
 * {@code eventBatch}, {@code watchBatchMaxRevs} = 1000). When the cap is hit, {@link #moreRev()}
 * names the first revision left out, so the watcher stays unsynced and resumes there.
 *
 * <p>Not thread-safe; built and consumed under the watchable store's lock.
 */
final class EventBatch {

  private final int maxRevs;
  private final List<Event> events = new ArrayList<>();
  private int revs;
  private long moreRev;

  EventBatch(int maxRevs) {
    this.maxRevs = maxRevs;
  }

  void add(Event ev) {
    if (revs > maxRevs) {
      return; // full: everything from moreRev on is read again next time
    }
    if (events.isEmpty()) {
      revs = 1;
      events.add(ev);
      return;
    }
    long last = events.get(events.size() - 1).getKv().getModRevision();
    long rev = ev.getKv().getModRevision();
    if (rev > last) {
      revs++;
      if (revs > maxRevs) {
        moreRev = rev;
        return;
      }
    }
    events.add(ev);
  }

  List<Event> events() {
    return events;
  }

  /** The number of distinct revisions seen (one past the cap when the batch overflowed). */
  int revs() {
    return revs;
  }

  /** The first revision that did not fit, or 0 if everything fit. */
  long moreRev() {
    return moreRev;
  }

  /**
   * Maps each watcher of {@code group} to the events of {@code events} it should see: those on keys
   * it watches at or after its {@code minRev} (etcd's {@code newWatcherBatch}).
   */
  static Map<Watcher, EventBatch> forWatchers(WatcherGroup group, List<Event> events, int maxRevs) {
    Map<Watcher, EventBatch> batches = new LinkedHashMap<>();
    if (group.isEmpty()) {
      return batches;
    }
    for (Event ev : events) {
      long rev = ev.getKv().getModRevision();
      for (Watcher w : group.watchersOf(ev.getKv().getKey())) {
        if (rev >= w.minRev) {
          batches.computeIfAbsent(w, x -> new EventBatch(maxRevs)).add(ev);
        }
      }
    }
    return batches;
  }
}
