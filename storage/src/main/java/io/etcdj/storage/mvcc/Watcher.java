package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * One watch on a key or a key range (etcd's {@code watcher}). Identity matters: groups and batches
 * hold watchers by reference, so this class keeps {@link Object}'s equality.
 *
 * <p>The key, range, id, filters and queue never change. The progress fields ({@code minRev} and
 * the flags) are guarded by the owning {@link WatchableStore}'s lock.
 */
final class Watcher {

  final ByteString key;

  /** Null for a single-key watcher; empty for "from key to the end of the keyspace". */
  final ByteString end;

  final long id;

  /**
   * The revision the watch was asked to start at, 0 for "from now on" (etcd 3.4.45's {@code
   * startRev}): no progress notification promises a revision below it.
   */
  final long startRev;

  private final WatchFilter[] filters;
  private final WatchResponseQueue queue;

  /** The lowest revision this watcher still has to be told about. */
  long minRev;

  /** Its queue was full; the batch it could not take waits in the store's victim list. */
  boolean victim;

  /** Removed from the store after being told its start revision was compacted. */
  boolean compacted;

  /**
   * Moved from synced to unsynced by a snapshot restore, so {@code minRev} may exceed the current
   * revision once (etcd's {@code restore} flag).
   */
  boolean restore;

  /** Cancelled: no longer in any group and never to be sent to again. */
  boolean canceled;

  Watcher(
      ByteString key,
      ByteString end,
      long id,
      long minRev,
      WatchFilter[] filters,
      WatchResponseQueue queue) {
    this(key, end, id, 0, minRev, filters, queue);
  }

  Watcher(
      ByteString key,
      ByteString end,
      long id,
      long startRev,
      long minRev,
      WatchFilter[] filters,
      WatchResponseQueue queue) {
    this.key = key;
    this.end = end;
    this.id = id;
    this.startRev = startRev;
    this.minRev = minRev;
    this.filters = filters.clone();
    this.queue = queue;
  }

  boolean isRange() {
    return end != null;
  }

  /**
   * Offers {@code response} after filtering its events. A response whose events were all filtered
   * out counts as delivered without sending anything; a response that had no events to begin with
   * (a progress notification) is always sent. Returns false only when the queue is full.
   */
  boolean send(WatchResponse response) {
    boolean progress = response.events().isEmpty();
    if (filters.length != 0 && !progress) {
      List<Event> kept = new ArrayList<>(response.events().size());
      for (Event e : response.events()) {
        if (!filteredOut(e)) {
          kept.add(e);
        }
      }
      if (kept.isEmpty()) {
        return true;
      }
      if (kept.size() != response.events().size()) {
        response = WatchResponse.ofEvents(response.watchId(), kept, response.revision());
      }
    }
    return queue.offer(response);
  }

  /** Sends without filtering (compaction notices). */
  boolean sendRaw(WatchResponse response) {
    return queue.offer(response);
  }

  private boolean filteredOut(Event e) {
    for (WatchFilter f : filters) {
      if (f.filterOut(e)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Watcher{id=" + id + ", key=" + key.toStringUtf8() + ", minRev=" + minRev + "}";
  }
}
