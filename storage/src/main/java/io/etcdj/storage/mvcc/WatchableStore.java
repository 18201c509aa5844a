package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.lease.Lessor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch half of etcd's {@code watchableStore}: it keeps every watcher in exactly one of three
 * places and moves it along as the store's revision advances.
 *
 * <ul>
 *   <li><b>synced</b>: has seen everything up to the current revision; each committed write txn is
 *       handed to it directly by {@link #endWrite}.
 *   <li><b>unsynced</b>: started in the past (or fell behind); {@link #syncWatchers()} reads the
 *       missed revisions from the store and catches it up, at most {@code maxWatchersPerSync}
 *       watchers and {@code watchBatchMaxRevs} revisions each per pass.
 *   <li><b>victim</b>: its stream's queue was full; the batch it could not take is kept and {@link
 *       #moveVictims()} retries it before the watcher rejoins synced or unsynced.
 * </ul>
 *
 * A watcher's {@code minRev} is the next revision it must see, so every delivery path sends only
 * events at or after it and advances it past what was sent: events arrive in revision order with no
 * gap and no duplicate however the watcher moves between the three places.
 *
 * <p>Threading: one lock, {@code mu}, guards the groups, the victims and every watcher's progress.
 * Sending is a non-blocking offer to the stream's queue, so it happens under the lock. Lock order
 * is: the KV store's write-txn locks, then {@code mu}, then the KV store's revision lock ({@link
 * WatchableBacking#readStable}); the revision lock holder never takes {@code mu}. The sync and
 * victim loops run on the injected scheduler once {@link #start()} is called; tests may instead
 * call {@link #syncWatchers()} and {@link #moveVictims()} directly. Give the loops a thread of
 * their own: a sync pass reads the store's history under the watch lock.
 *
 * <p>Who calls what:
 *
 * <ul>
 *   <li><b>apply thread</b> (the only writer; {@code NodeStore} enforces it): {@link #write()},
 *       {@link #put}, {@link #deleteRange}, {@link #restore}, {@link #restoreInPlace}. Restores
 *       take the watch lock before the store lock, the reverse of a write's order, which is safe
 *       only because no write runs on another thread meanwhile.
 *   <li><b>the injected scheduler</b>: the sync and victim loops.
 *   <li><b>any thread but an event loop</b>: {@link #read()}, {@link #rev()}, and the {@link
 *       WatchStream} calls that register, cancel or ask for progress; they take the watch lock,
 *       which a sync pass holds while it reads the backend.
 *   <li>A stream's response listener runs on the delivering thread (apply, scheduler) under the
 *       watch lock; it must only hand off (e.g. schedule a drain on an event loop).
 * </ul>
 *
 * <p>Deliberate differences from etcd 3.4.23, each closing a gap or duplicate etcd can produce:
 *
 * <ul>
 *   <li>A synced watcher's {@code minRev} advances with every live delivery, so a snapshot restore
 *       (which re-reads from {@code minRev}) cannot replay events it already sent.
 *   <li>A capped catch-up response carries the revision the watcher has really seen ({@code moreRev
 *       - 1}), not the store's current revision, so response revisions never go backwards and never
 *       claim revisions not yet delivered.
 *   <li>A watcher whose compaction notice does not fit in its queue sits out the pass instead of
 *       being handed events past the compacted gap, and a compacted watcher always leaves the
 *       unsynced group (etcd keeps it there, and notifies again, when more than {@code
 *       maxWatchersPerSync} watchers are unsynced).
 *   <li>A watcher moved to unsynced by a restore keeps a future start revision.
 *   <li>A capped watcher goes to the back of the unsynced queue, so every unsynced watcher gets a
 *       turn (etcd relies on Go's random map order).
 *   <li>Victim retries run under the lock (sends never block), so cancelling a victim needs no
 *       sleep-and-retry; {@code progressAll} is etcd 3.5's.
 * </ul>
 */
public final class WatchableStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WatchableStore.class);

  private final WatchableBacking kv;

  /** The KV store underneath when there is one (null for a test backing). */
  private final KvStore kvStore;

  private final WatchOptions options;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;

  private final ReentrantLock mu = new ReentrantLock();

  @GuardedBy("mu")
  private WatcherGroup synced = new WatcherGroup();

  @GuardedBy("mu")
  private final WatcherGroup unsynced = new WatcherGroup();

  @GuardedBy("mu")
  private List<Map<Watcher, EventBatch>> victims = new ArrayList<>();

  @GuardedBy("mu")
  private boolean started;

  @GuardedBy("mu")
  private boolean closed;

  @GuardedBy("mu")
  private boolean victimLoopScheduled;

  @GuardedBy("mu")
  private ScheduledFuture<?> syncLoop;

  /**
   * @param kv the KV store underneath
   * @param scheduler runs the sync and victim loops after {@link #start()}; not owned
   * @param nanoClock monotonic time, used only to size the sync loop's pause
   */
  WatchableStore(
      WatchableBacking kv,
      WatchOptions options,
      ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    this(kv, null, options, scheduler, nanoClock);
  }

  private WatchableStore(
      WatchableBacking kv,
      KvStore kvStore,
      WatchOptions options,
      ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    this.kv = kv;
    this.kvStore = kvStore;
    this.options = options;
    this.scheduler = scheduler;
    this.nanoClock = nanoClock;
  }

  /**
   * Wraps a KV store (etcd {@code newWatchableStore}); call {@link #start()} to run the loops. If a
   * lessor is given, its revokes from now on delete through this store, so watchers see them. Every
   * write that watchers should see must go through {@link #write()} (or {@link #put}, {@link
   * #deleteRange}), not through {@code kv} directly.
   *
   * @param lessor the store's lessor, or null
   * @param scheduler runs the sync loop (every {@link WatchOptions#syncInterval()}) and the victim
   *     loop; not owned, not shut down by {@link #close()}
   */
  public static WatchableStore wrap(
      KvStore kv, Lessor lessor, WatchOptions options, ScheduledExecutorService scheduler) {
    WatchableStore s =
        new WatchableStore(new KvStoreWatchBacking(kv), kv, options, scheduler, System::nanoTime);
    if (lessor != null) {
      lessor.setRangeDeleter(() -> new StoreTxnDelete(s.write()));
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // The KV surface (etcd's watchableStore embeds the store; reads and compaction pass through).

  /** The wrapped KV store, for reads, compaction, hashes. Do not write through it directly. */
  public KvStore kv() {
    return requireKv();
  }

  /** Opens a write txn whose end notifies watchers. End it on the same thread. */
  public TxnWrite write() {
    return new WatchableTxnWrite(this, requireKv().write());
  }

  /** Opens a read txn on the wrapped store. */
  public TxnRead read() {
    return requireKv().read();
  }

  /** A put in its own write txn; returns the new revision. */
  public long put(byte[] key, byte[] value, long lease) {
    try (TxnWrite tw = write()) {
      return tw.put(key, value, lease);
    }
  }

  /** A delete-range in its own write txn. */
  public DeleteResult deleteRange(byte[] key, byte[] end) {
    try (TxnWrite tw = write()) {
      return tw.deleteRange(key, end);
    }
  }

  /**
   * Installs a received snapshot into the wrapped store's own backend (see {@link
   * KvStore#restoreInPlace}) and moves synced watchers to unsynced, holding the watch lock and the
   * store lock throughout: readers see the old state or the new one. Same threading rule as {@link
   * #restore(Backend)}.
   */
  public void restoreInPlace(KvStore.Install install) throws IOException {
    KvStore k = requireKv();
    IOException[] failed = new IOException[1];
    restore(
        () -> {
          try {
            k.restoreInPlace(install);
          } catch (IOException e) {
            failed[0] = e;
          }
        });
    if (failed[0] != null) {
      throw failed[0];
    }
  }

  /**
   * Replaces the wrapped store's backend from a snapshot and moves synced watchers to unsynced
   * (etcd {@code watchableStore.Restore}). Must not run concurrently with writes: like etcd, it is
   * called from the apply loop, which is also the only writer.
   */
  public void restore(Backend newBackend) {
    KvStore k = requireKv();
    restore(() -> k.restore(newBackend));
  }

  private KvStore requireKv() {
    if (kvStore == null) {
      throw new IllegalStateException("no KV store under this watchable store");
    }
    return kvStore;
  }

  /** A new stream whose watchers share one bounded response queue. */
  public WatchStream newWatchStream() {
    return new WatchStream(this, new WatchResponseQueue(options.chanBufLen()));
  }

  /** The store's current revision. */
  public long rev() {
    return kv.readStable(WatchableBacking.RevisionView::currentRev);
  }

  WatchOptions options() {
    return options;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts the background sync loop (etcd runs it every 100 ms) and enables the victim loop. */
  public void start() {
    mu.lock();
    try {
      if (started) {
        throw new IllegalStateException("Already started");
      }
      started = true;
      syncLoop = scheduler.schedule(this::syncLoopPass, 0, TimeUnit.NANOSECONDS);
    } finally {
      mu.unlock();
    }
  }

  /** Stops the loops. Watchers stay registered; the KV store is not closed. Idempotent. */
  @Override
  public void close() {
    mu.lock();
    try {
      closed = true;
      if (syncLoop != null) {
        syncLoop.cancel(false);
      }
    } finally {
      mu.unlock();
    }
  }

  private void syncLoopPass() {
    int before;
    mu.lock();
    try {
      if (closed) {
        return;
      }
      before = unsynced.size();
    } finally {
      mu.unlock();
    }
    long startNanos = nanoClock.getAsLong();
    int after = 0;
    try {
      after = before > 0 ? syncWatchers() : 0;
    } catch (RuntimeException e) {
      LOG.error("watch sync pass failed", e);
    }
    long waitNanos = options.syncInterval().toNanos();
    if (after != 0 && before > after) {
      // More to do: wait only as long as this pass took, leaving the store that much time.
      waitNanos = nanoClock.getAsLong() - startNanos;
    }
    mu.lock();
    try {
      if (!closed) {
        syncLoop = scheduler.schedule(this::syncLoopPass, waitNanos, TimeUnit.NANOSECONDS);
      }
    } finally {
      mu.unlock();
    }
  }

  private void victimLoopPass() {
    try {
      while (moveVictims() != 0) {
        // keep going while some blocked watcher takes its batch
      }
    } catch (RuntimeException e) {
      LOG.error("watch victim pass failed", e);
    }
    mu.lock();
    try {
      if (closed || victims.isEmpty()) {
        victimLoopScheduled = false;
      } else {
        // The pass handles its own failures; nothing to learn from the future.
        var unused =
            scheduler.schedule(
                this::victimLoopPass,
                options.victimRetryInterval().toNanos(),
                TimeUnit.NANOSECONDS);
      }
    } finally {
      mu.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Watchers

  /**
   * Registers a watcher for {@link WatchStream}, as etcd's {@code watchableStore.watch}: {@code
   * startRev == 0} or a future revision means "from now on" (synced at once); anything else,
   * negative included, starts unsynced at {@code startRev} and is settled by the next sync pass (a
   * negative start below the compacted revision gets a compaction notice, see {@link
   * #syncWatchers()}).
   */
  Watcher watch(
      ByteString key,
      ByteString end,
      long startRev,
      long id,
      WatchResponseQueue queue,
      WatchFilter[] filters) {
    mu.lock();
    try {
      long cur = kv.readStable(WatchableBacking.RevisionView::currentRev);
      boolean fromNow = startRev == 0 || startRev > cur;
      long minRev = fromNow ? Math.max(cur + 1, startRev) : startRev;
      Watcher w = new Watcher(key, end, id, startRev, minRev, filters, queue);
      (fromNow ? synced : unsynced).add(w);
      return w;
    } finally {
      mu.unlock();
    }
  }

  /** Removes {@code w} from wherever it is (etcd's {@code cancelWatcher}). Idempotent. */
  void cancel(Watcher w) {
    mu.lock();
    try {
      if (w.canceled) {
        return;
      }
      if (!unsynced.delete(w) && !synced.delete(w) && !w.compacted) {
        if (!w.victim) {
          throw new IllegalStateException("watcher not victim but not in watch groups");
        }
        boolean found = false;
        for (Map<Watcher, EventBatch> batch : victims) {
          if (batch.remove(w) != null) {
            found = true;
            break;
          }
        }
        if (!found) {
          throw new IllegalStateException("victim watcher not in any victim batch: " + w);
        }
      }
      w.canceled = true;
    } finally {
      mu.unlock();
    }
  }

  /**
   * Sends {@code w} a progress notification (no events, the current revision) if it is synced and
   * the current revision has reached its start revision; an unsynced watcher will get events first,
   * which carry the progress anyway (etcd 3.4.45's {@code progressIfSync}).
   */
  void progress(Watcher w) {
    mu.lock();
    try {
      long rev = kv.readStable(WatchableBacking.RevisionView::currentRev);
      if (isInSync(w, rev)) {
        w.send(WatchResponse.progress(w.id, rev));
      }
    } finally {
      mu.unlock();
    }
  }

  /**
   * If every watcher of a stream is synced and at or past its start revision, queues one
   * stream-wide progress notification (watch id -1) on {@code queue} and returns true; otherwise
   * sends nothing and returns false (etcd 3.4.45's {@code progressAll}: a revision is only promised
   * once all of the stream's watchers reached it). A stream without watchers gets nothing, as in
   * etcd 3.4.45, where the notification rides on the first watcher's channel.
   */
  boolean progressAll(Iterable<Watcher> watchers, WatchResponseQueue queue) {
    mu.lock();
    try {
      long rev = kv.readStable(WatchableBacking.RevisionView::currentRev);
      boolean any = false;
      for (Watcher w : watchers) {
        if (!isInSync(w, rev)) {
          return false;
        }
        any = true;
      }
      if (any) {
        queue.offer(WatchResponse.progress(WatchStream.INVALID_WATCH_ID, rev));
      }
      return true;
    } finally {
      mu.unlock();
    }
  }

  @GuardedBy("mu")
  private boolean isInSync(Watcher w, long rev) {
    return synced.contains(w) && rev >= w.startRev;
  }

  // ---------------------------------------------------------------------------------------------
  // Write path

  /**
   * Publishes a write txn: notifies synced watchers of its events, then lets it publish its
   * revision, both under the watch lock (etcd's {@code watchableStoreTxnWrite.End}). Holding the
   * lock across both steps is what makes a watcher created concurrently either see the new revision
   * as current or receive its events, never neither.
   */
  void endWrite(PendingWrite txn) {
    List<KeyValue> changes = txn.changes();
    if (changes.isEmpty()) {
      txn.end();
      return;
    }
    long rev = txn.beginRev() + 1;
    List<Event> events = new ArrayList<>(changes.size());
    for (KeyValue kvChange : changes) {
      if (kvChange.getCreateRevision() == 0) {
        events.add(
            Event.newBuilder()
                .setType(Event.EventType.DELETE)
                .setKv(kvChange.toBuilder().setModRevision(rev))
                .build());
      } else {
        events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kvChange).build());
      }
    }
    mu.lock();
    try {
      notify(rev, events);
    } finally {
      try {
        txn.end();
      } finally {
        mu.unlock();
      }
    }
  }

  @GuardedBy("mu")
  private void notify(long rev, List<Event> events) {
    Map<Watcher, EventBatch> blocked = null;
    for (Map.Entry<Watcher, EventBatch> e :
        EventBatch.forWatchers(synced, events, options.watchBatchMaxRevs()).entrySet()) {
      Watcher w = e.getKey();
      EventBatch batch = e.getValue();
      if (batch.revs() != 1) {
        throw new IllegalStateException(
            "unexpected multiple revisions in watch notification: " + batch.revs());
      }
      // Unlike etcd, advance minRev on delivery too, so that a later restore (which re-reads
      // from minRev) cannot replay what was already sent.
      w.minRev = rev + 1;
      if (!w.send(WatchResponse.ofEvents(w.id, batch.events(), rev))) {
        // The stream is not keeping up: park this batch and take the watcher out of synced.
        w.victim = true;
        synced.delete(w);
        if (blocked == null) {
          blocked = new LinkedHashMap<>();
        }
        blocked.put(w, batch);
      }
    }
    addVictims(blocked);
  }

  @GuardedBy("mu")
  private void addVictims(Map<Watcher, EventBatch> blocked) {
    if (blocked == null || blocked.isEmpty()) {
      return;
    }
    victims.add(blocked);
    if (started && !closed && !victimLoopScheduled) {
      victimLoopScheduled = true;
      scheduler.execute(this::victimLoopPass);
    }
  }

  /**
   * Moves synced watchers to unsynced after the KV store was replaced by a snapshot: the history
   * they were synced to may differ from the new one. {@code storeRestore} swaps the store.
   */
  void restore(Runnable storeRestore) {
    mu.lock();
    try {
      storeRestore.run();
      for (Watcher w : synced.watchers()) {
        w.restore = true;
        unsynced.add(w);
      }
      synced = new WatcherGroup();
    } finally {
      mu.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Catching up

  /**
   * One sync pass (etcd's {@code syncWatchers}): picks up to {@code maxWatchersPerSync} unsynced
   * watchers, tells those whose start was compacted away and drops them, reads the revisions the
   * rest missed, sends each its batch and moves it to synced, or leaves it unsynced if its batch
   * was capped, or makes it a victim if its queue is full. Returns how many watchers remain
   * unsynced.
   */
  @SuppressWarnings("GuardedBy") // the callback runs synchronously inside readStable, under mu
  public int syncWatchers() {
    mu.lock();
    try {
      if (unsynced.isEmpty()) {
        return 0;
      }
      return kv.readStable(this::syncWatchersLocked);
    } finally {
      mu.unlock();
    }
  }

  @GuardedBy("mu")
  private int syncWatchersLocked(WatchableBacking.RevisionView view) {
    long cur = view.currentRev();
    long compactRev = view.compactRev();
    WatcherGroup chosen = unsynced.choose(options.maxWatchersPerSync());

    long minRev = Long.MAX_VALUE;
    for (Watcher w : new ArrayList<>(chosen.watchers())) {
      if (w.minRev > cur) {
        if (!w.restore) {
          throw new IllegalStateException(
              String.format(
                  "watcher minimum revision %d should not exceed current revision %d",
                  w.minRev, cur));
        }
        w.restore = false; // a restore moved it here with a future start; that is fine once
      }
      if (w.minRev < compactRev) {
        // Negative starts land here too, as in etcd: below a compaction (or below etcd's initial
        // compacted revision -1) they get a notice carrying that revision.
        // Leave it out of this pass whether or not the notice fits, so it is never handed events
        // after the gap; if the queue is full it is retried next pass.
        chosen.delete(w);
        if (w.sendRaw(WatchResponse.compacted(w.id, compactRev))) {
          w.compacted = true;
          unsynced.delete(w);
        }
        continue;
      }
      if (w.minRev <= 0) {
        // etcd reads nothing for a start of -1 or 0 left in unsynced (its range from a negative
        // revision key is empty) and syncs the watcher at the current revision. Unlike etcd, it is
        // kept out of the minimum so the others' catch-up range stays right.
        w.minRev = cur + 1;
        continue;
      }
      minRev = Math.min(minRev, w.minRev);
    }

    List<Event> events = new ArrayList<>();
    if (!chosen.isEmpty() && minRev <= cur) {
      view.readEvents(minRev, cur, chosen::watchesKey, events::add);
    }
    Map<Watcher, EventBatch> batches =
        EventBatch.forWatchers(chosen, events, options.watchBatchMaxRevs());

    Map<Watcher, EventBatch> blocked = null;
    for (Watcher w : chosen.watchers()) {
      // A restored watcher may start in the future; keep that start rather than rewinding it.
      w.minRev = Math.max(w.minRev, cur + 1);
      EventBatch batch = batches.get(w);
      if (batch == null) {
        unsynced.delete(w);
        synced.add(w);
        continue;
      }
      // etcd stamps every catch-up response with the current revision, even a capped one that
      // stops at moreRev - 1. We stamp what the watcher has really seen, so that response
      // revisions never go backwards (a victim retry reports minRev - 1) and never claim
      // revisions that were not delivered yet.
      long seen = cur;
      if (batch.moreRev() != 0) {
        w.minRev = batch.moreRev();
        seen = batch.moreRev() - 1;
      }
      if (w.send(WatchResponse.ofEvents(w.id, batch.events(), seen))) {
        if (batch.moreRev() != 0) {
          // Capped batch: stays unsynced and resumes at moreRev. Requeue it behind the others so
          // that, with more than maxWatchersPerSync unsynced, every watcher gets its turn.
          unsynced.delete(w);
          unsynced.add(w);
          continue;
        }
        unsynced.delete(w);
        synced.add(w);
      } else {
        w.victim = true;
        unsynced.delete(w);
        if (blocked == null) {
          blocked = new LinkedHashMap<>();
        }
        blocked.put(w, batch);
      }
    }
    addVictims(blocked);
    return unsynced.size();
  }

  /**
   * Retries every parked batch once (etcd's {@code moveVictims}); a watcher whose batch goes
   * through rejoins unsynced if it still has revisions to read, else synced. Returns how many
   * batches were delivered.
   */
  public int moveVictims() {
    mu.lock();
    try {
      if (victims.isEmpty()) {
        return 0;
      }
      List<Map<Watcher, EventBatch>> pending = victims;
      victims = new ArrayList<>();
      long cur = kv.readStable(WatchableBacking.RevisionView::currentRev);
      int moved = 0;
      Map<Watcher, EventBatch> stillBlocked = new LinkedHashMap<>();
      for (Map<Watcher, EventBatch> batchSet : pending) {
        for (Map.Entry<Watcher, EventBatch> e : batchSet.entrySet()) {
          Watcher w = e.getKey();
          EventBatch batch = e.getValue();
          // The watcher has seen the store up to, not including, minRev.
          if (!w.send(WatchResponse.ofEvents(w.id, batch.events(), w.minRev - 1))) {
            stillBlocked.put(w, batch);
            continue;
          }
          moved++;
          w.victim = false;
          if (batch.moreRev() != 0) {
            w.minRev = batch.moreRev();
          }
          (w.minRev <= cur ? unsynced : synced).add(w);
        }
      }
      if (!stillBlocked.isEmpty()) {
        victims.add(stillBlocked);
      }
      return moved;
    } finally {
      mu.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Prev-kv

  /**
   * Returns {@code events} with {@code prev_kv} set on every event that replaced or deleted an
   * existing key, read at the revision before the event (what etcd's v3rpc does for {@code prev_kv}
   * watchers). Left unset when that revision has been compacted.
   */
  public List<Event> withPrevKv(List<Event> events) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      KeyValue cur = e.getKv();
      boolean create =
          e.getType() == Event.EventType.PUT && cur.getCreateRevision() == cur.getModRevision();
      KeyValue prev = create ? null : kv.keyAt(cur.getKey(), cur.getModRevision() - 1);
      out.add(prev == null ? e : e.toBuilder().setPrevKv(prev).build());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Introspection for tests

  int syncedSize() {
    mu.lock();
    try {
      return synced.size();
    } finally {
      mu.unlock();
    }
  }

  int unsyncedSize() {
    mu.lock();
    try {
      return unsynced.size();
    } finally {
      mu.unlock();
    }
  }

  int victimCount() {
    mu.lock();
    try {
      int n = 0;
      for (Map<Watcher, EventBatch> b : victims) {
        n += b.size();
      }
      return n;
    } finally {
      mu.unlock();
    }
  }

  boolean isSynced(Watcher w) {
    mu.lock();
    try {
      return synced.contains(w);
    } finally {
      mu.unlock();
    }
  }

  boolean syncedWatchesKey(ByteString key) {
    mu.lock();
    try {
      return synced.watchesKey(key);
    } finally {
      mu.unlock();
    }
  }

  long minRevOf(Watcher w) {
    mu.lock();
    try {
      return w.minRev;
    } finally {
      mu.unlock();
    }
  }
}
