package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A set of watchers that share one bounded response queue (etcd's {@code watchStream}); one per
 * client watch stream. Watch ids are per stream. Responses of all its watchers come out of {@link
 * #poll}/{@link #take} in the order the store produced them; for each watcher that is strictly
 * increasing revision order.
 *
 * <p>Thread-safe. {@link #setResponseListener} lets an event-loop consumer be woken instead of
 * blocking a thread in {@link #take}.
 */
public final class WatchStream implements AutoCloseable {

  /** Pass as the id to {@link #watch} to have the stream pick the next free id (clientv3). */
  public static final long AUTO_WATCH_ID = 0;

  /** The id of responses not tied to one watcher, such as a stream-wide progress notification. */
  public static final long INVALID_WATCH_ID = -1;

  private final WatchableStore store;
  private final WatchResponseQueue queue;
  private final ReentrantLock mu = new ReentrantLock();

  @GuardedBy("mu")
  private long nextId;

  @GuardedBy("mu")
  private boolean closed;

  @GuardedBy("mu")
  private final Map<Long, Watcher> watchers = new HashMap<>();

  /** Ids of watchers created with prev-kv; their events get {@code prev_kv} as they are taken. */
  @GuardedBy("mu")
  private final Set<Long> prevKv = new HashSet<>();

  WatchStream(WatchableStore store, WatchResponseQueue queue) {
    this.store = store;
    this.queue = queue;
  }

  /**
   * Creates a watcher from a client's create request, with etcd's v3rpc conventions decided here
   * once: an empty {@code range_end} watches {@code key} alone, {@code range_end = "\0"} every key
   * from {@code key} on, anything else {@code [key, range_end)}; {@code start_revision} 0 means the
   * next revision, a future one waits for it, and a negative one behaves as etcd 3.4.23's store
   * does (a compaction notice carrying the compacted revision, -1 on a never-compacted store, for a
   * start below it; otherwise, for -1, events from the next sync pass on); {@code filters} and
   * {@code prev_kv} apply to every response of the watcher ({@link #poll}, {@link #take} fill in
   * {@code prev_kv}); {@code watch_id} 0 picks the next free id. {@code progress_notify} and {@code
   * fragment} are the gRPC layer's business and are ignored here.
   *
   * @return the watch id
   * @throws WatchException as {@link #watch(long, ByteString, ByteString, long, WatchFilter...)}
   */
  public long watch(WatchCreateRequest req) throws WatchException {
    ByteString end = req.getRangeEnd();
    ByteString storeEnd;
    if (end.isEmpty()) {
      storeEnd = null;
    } else if (end.size() == 1 && end.byteAt(0) == 0) {
      storeEnd = ByteString.EMPTY;
    } else {
      storeEnd = end;
    }
    long id =
        watch(
            req.getWatchId(),
            req.getKey(),
            storeEnd,
            req.getStartRevision(),
            WatchFilter.fromRequest(req));
    if (req.getPrevKv()) {
      mu.lock();
      try {
        prevKv.add(id);
      } finally {
        mu.unlock();
      }
    }
    return id;
  }

  /**
   * Creates a watcher on {@code key}, or on {@code [key, end)} when {@code end} is non-null (an
   * empty {@code end} means every key from {@code key} on), that sees events from {@code startRev}
   * on ({@code 0}: from the next revision; negative: see {@link #watch(WatchCreateRequest)}).
   *
   * @param id the watch id to use, or {@link #AUTO_WATCH_ID} for the lowest free id not yet handed
   *     out by this stream
   * @return the watch id
   * @throws WatchException {@code EMPTY_WATCHER_RANGE} if {@code end} is non-empty and not after
   *     {@code key} (etcd also answers so on a closed stream), {@code DUPLICATE_WATCH_ID} if the id
   *     is in use
   */
  public long watch(long id, ByteString key, ByteString end, long startRev, WatchFilter... filters)
      throws WatchException {
    if (end != null
        && !end.isEmpty()
        && ByteString.unsignedLexicographicalComparator().compare(key, end) >= 0) {
      throw new WatchException(WatchException.Reason.EMPTY_WATCHER_RANGE);
    }
    mu.lock();
    try {
      if (closed) {
        throw new WatchException(WatchException.Reason.EMPTY_WATCHER_RANGE);
      }
      if (id == AUTO_WATCH_ID) {
        while (watchers.containsKey(nextId)) {
          nextId++;
        }
        id = nextId++;
      } else if (watchers.containsKey(id)) {
        throw new WatchException(WatchException.Reason.DUPLICATE_WATCH_ID);
      }
      watchers.put(id, store.watch(key, end, startRev, id, queue, filters));
      return id;
    } finally {
      mu.unlock();
    }
  }

  /**
   * Cancels watcher {@code id}. Responses it already queued stay in the queue.
   *
   * @throws WatchException {@code WATCHER_NOT_EXIST} if there is no such watcher or the stream is
   *     closed
   */
  public void cancel(long id) throws WatchException {
    mu.lock();
    try {
      Watcher w = closed ? null : watchers.remove(id);
      prevKv.remove(id);
      if (w == null) {
        throw new WatchException(WatchException.Reason.WATCHER_NOT_EXIST);
      }
      store.cancel(w);
    } finally {
      mu.unlock();
    }
  }

  /**
   * Queues a progress notification for watcher {@code id} if it is synced: no events, the current
   * revision. Sent through the same queue as events, so it is ordered after them. Does nothing for
   * an unknown id or an unsynced watcher.
   */
  public void requestProgress(long id) {
    Watcher w;
    mu.lock();
    try {
      w = closed ? null : watchers.get(id);
    } finally {
      mu.unlock();
    }
    if (w != null) {
      store.progress(w);
    }
  }

  /**
   * Queues one progress notification with id {@link #INVALID_WATCH_ID} at the current revision if
   * every watcher of the stream is synced, and returns true; returns false, sending nothing, while
   * some watcher is still catching up (etcd 3.5's {@code RequestProgressAll}).
   */
  public boolean requestProgressAll() {
    List<Watcher> ws;
    mu.lock();
    try {
      if (closed) {
        return false;
      }
      ws = new ArrayList<>(watchers.values());
    } finally {
      mu.unlock();
    }
    return store.progressAll(ws, queue);
  }

  /** The current revision of the store this stream watches. */
  public long rev() {
    return store.rev();
  }

  /**
   * The next response, or null if none is queued. For a prev-kv watcher this reads the store (it
   * can wait behind a commit), so drain on a storage thread, not on an event loop.
   */
  public WatchResponse poll() {
    return fill(queue.poll());
  }

  /** The next response, waiting up to {@code timeout}; null on timeout or once closed and empty. */
  public WatchResponse poll(Duration timeout) throws InterruptedException {
    return fill(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** The next response, waiting as long as needed; null once the stream is closed and drained. */
  public WatchResponse take() throws InterruptedException {
    return fill(queue.take());
  }

  /** Adds prev-kv to a prev-kv watcher's events, on the consumer's thread as etcd's send loop. */
  private WatchResponse fill(WatchResponse r) {
    if (r == null || r.events().isEmpty()) {
      return r;
    }
    boolean wanted;
    mu.lock();
    try {
      wanted = prevKv.contains(r.watchId());
    } finally {
      mu.unlock();
    }
    return wanted ? withPrevKv(r) : r;
  }

  /** How many responses are queued. */
  public int pending() {
    return queue.size();
  }

  /**
   * Sets a callback run after each response is queued and on close. It runs on the producing thread
   * while the store's watch lock is held, so it must be quick and must not call back into the store
   * or stream: typically it schedules a drain on an event loop.
   */
  public void setResponseListener(Runnable listener) {
    queue.setListener(listener);
  }

  /** Prev-kv for a response's events; see {@link WatchableStore#withPrevKv}. */
  public WatchResponse withPrevKv(WatchResponse response) {
    if (response.events().isEmpty()) {
      return response;
    }
    return new WatchResponse(
        response.watchId(),
        store.withPrevKv(response.events()),
        response.revision(),
        response.compactRevision());
  }

  /**
   * Cancels every watcher and closes the queue; queued responses can still be drained. Idempotent.
   */
  @Override
  public void close() {
    mu.lock();
    try {
      if (closed) {
        return;
      }
      for (Watcher w : watchers.values()) {
        store.cancel(w);
      }
      watchers.clear();
      prevKv.clear();
      closed = true;
      queue.close();
    } finally {
      mu.unlock();
    }
  }

  /** The live watcher behind {@code id}, for tests. */
  Watcher watcher(long id) {
    mu.lock();
    try {
      return watchers.get(id);
    } finally {
      mu.unlock();
    }
  }

  int watcherCount() {
    mu.lock();
    try {
      return watchers.size();
    } finally {
      mu.unlock();
    }
  }
}
