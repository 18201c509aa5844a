package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.lease.Lessor;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-version key-value store (etcd {@code mvcc.store}, {@code mvcc/kvstore.go}): an
 * in-memory {@link TreeIndex} from key to revisions over the backend's {@code key} bucket, which
 * maps each revision to the marshaled {@code mvccpb.KeyValue} written at it.
 *
 * <p>Each write txn is one main revision; each change in it one sub revision. Compaction removes
 * superseded revisions up to a point, first from the index, then from the backend in batches on a
 * FIFO compaction thread; the {@code meta} bucket records the scheduled and finished compaction so
 * a restart resumes it.
 *
 * <p>Thread-safe. Locks, as etcd: {@code mu} is held shared by every txn and exclusively by
 * compaction bookkeeping, restore and commit; {@code revMu} guards {@code currentRev} and {@code
 * compactMainRev} (read racily as volatiles where etcd does). Txns are confined to the thread that
 * opened them.
 */
public final class KvStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KvStore.class);

  static final byte[] CONSISTENT_INDEX_KEY = ConsistentIndex.KEY;
  static final byte[] SCHEDULED_COMPACT_KEY = bytes("scheduledCompactRev");
  static final byte[] FINISHED_COMPACT_KEY = bytes("finishedCompactRev");

  /** Keys read per backend range while rebuilding the index (etcd {@code restoreChunkKeys}). */
  static final int RESTORE_CHUNK_KEYS = 10000;

  private final StoreConfig cfg;
  private final KeyLeases le;

  /** The raft index saved with each write session; null = not tracked (tests, tools). */
  private final ConsistentIndex ci;

  private final Executor compactor;
  private final ExecutorService ownedCompactor;

  /** Shared by txns; exclusive for compaction bookkeeping, restore, commit. */
  final ReentrantReadWriteLock mu = new ReentrantReadWriteLock();

  /**
   * Guards changes of {@link #currentRev} and {@link #compactMainRev}. Held exclusively at the end
   * of a write txn until the backend write is visible, and shared while a read txn opens.
   */
  final ReentrantReadWriteLock revMu = new ReentrantReadWriteLock();

  /** The revision of the last completed write txn. Written under {@code revMu}. */
  volatile long currentRev;

  /** The main revision of the last compaction, -1 if none. Written under {@code revMu}. */
  volatile long compactMainRev;

  @GuardedBy("mu")
  volatile KvBackend b;

  @GuardedBy("mu")
  volatile TreeIndex kvindex;

  private final MvccCounters counters = new MvccCounters();

  /**
   * Counted down when the compaction job that set it ends; lets restore and close wait for the one
   * job that may be mid-batch on the old backend (etcd's {@code fifoSched.Stop()}).
   */
  private final AtomicReference<CountDownLatch> runningCompaction = new AtomicReference<>();

  /** Tells the compaction jobs of the current backend to stop (replaced on restore). */
  @GuardedBy("mu")
  private CountDownLatch stopc = new CountDownLatch(1);

  private volatile boolean closed;

  private KvStore(KvBackend b, KeyLeases le, ConsistentIndex ci, StoreConfig cfg) {
    this.cfg = cfg;
    this.b = b;
    this.le = le == null ? KeyLeases.NONE : le;
    this.ci = ci;
    this.kvindex = new TreeIndex();
    this.currentRev = 1;
    this.compactMainRev = -1;
    if (cfg.scheduler() != null) {
      this.compactor = cfg.scheduler();
      this.ownedCompactor = null;
    } else {
      this.ownedCompactor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "mvcc-compaction");
                t.setDaemon(true);
                return t;
              });
      this.compactor = ownedCompactor;
    }
  }

  /**
   * Opens the store over a backend, creating the {@code key} and {@code meta} buckets, rebuilding
   * the index from the backend, re-attaching leases, and resuming an unfinished compaction (etcd
   * {@code NewStore}).
   *
   * @param le the lessor; {@link KeyLeases#NONE} (or null) for a store without leases
   * @param ci the raft index saved with each write session; null = not saved
   */
  static KvStore open(KvBackend b, KeyLeases le, ConsistentIndex ci, StoreConfig cfg) {
    KvStore s = new KvStore(b, le, ci, cfg == null ? StoreConfig.defaults() : cfg);
    s.mu.writeLock().lock();
    try {
      s.attachBackend(b);
      s.restoreLocked();
    } finally {
      s.mu.writeLock().unlock();
    }
    return s;
  }

  /**
   * Opens the store over the storage backend with a lessor, and makes the lessor's revokes delete
   * through this store's write txns (etcd {@code NewStore}). A watchable store wrapping this one
   * replaces that range deleter with its own, so watchers see the deletes.
   *
   * <p>The server opens its store through {@code io.etcdj.storage.node.NodeStore}, which also wraps
   * it for watchers; this is for tools and tests.
   *
   * @param lessor the lessor, or null for a store without leases
   * @param ci the raft index saved with each write session (etcd {@code ConsistentIndexGetter}), or
   *     null for a store that does not track one
   */
  public static KvStore open(Backend b, Lessor lessor, ConsistentIndex ci, StoreConfig cfg) {
    KeyLeases le = lessor == null ? KeyLeases.NONE : new LessorKeyLeases(lessor);
    KvStore s = open(new BackendKv(b), le, ci, cfg);
    if (lessor != null) {
      lessor.setRangeDeleter(() -> new StoreTxnDelete(s.write()));
    }
    return s;
  }

  /** Creates the buckets on a (new) backend and loads its consistent index. */
  @GuardedBy("mu")
  private void attachBackend(KvBackend nb) {
    nb.createBucket(KvBackend.KEY_BUCKET);
    nb.createBucket(KvBackend.META_BUCKET);
    nb.forceCommit();
    if (ci != null) {
      ci.load(nb);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions and their one-shot forms (etcd readView / writeView).

  /** Opens a read txn at the current revision. End it on the same thread. */
  public TxnRead read() {
    mu.readLock().lock();
    try {
      revMu.readLock().lock();
      try {
        KvBackend.ReadTx tx = b.openRead();
        return new StoreTxnRead(this, tx, compactMainRev, currentRev);
      } finally {
        revMu.readLock().unlock();
      }
    } catch (RuntimeException | Error e) {
      mu.readLock().unlock();
      throw e;
    }
  }

  /**
   * Opens a write txn; blocks while another write txn is open. End it on the same thread. Package
   * private: watchers would not see its changes; the server writes through {@link
   * WatchableStore#write()} (via {@code NodeStore}).
   */
  TxnWrite write() {
    mu.readLock().lock();
    try {
      KvBackend.WriteTx tx = b.lockWrite();
      return new StoreTxnWrite(this, tx, currentRev);
    } catch (RuntimeException | Error e) {
      mu.readLock().unlock();
      throw e;
    }
  }

  /** A range in its own read txn. */
  public RangeResult range(byte[] key, byte[] end, RangeOptions ro) throws MvccException {
    try (TxnRead tr = read()) {
      return tr.range(key, end, ro);
    }
  }

  /** A put in its own write txn, unseen by watchers; returns the new revision. */
  long put(byte[] key, byte[] value, long lease) {
    try (TxnWrite tw = write()) {
      return tw.put(key, value, lease);
    }
  }

  /** A delete-range in its own write txn, unseen by watchers. */
  DeleteResult deleteRange(byte[] key, byte[] end) {
    try (TxnWrite tw = write()) {
      return tw.deleteRange(key, end);
    }
  }

  /** The current revision (etcd {@code Rev()}). */
  public long rev() {
    try (TxnRead tr = read()) {
      return tr.rev();
    }
  }

  /** The compacted revision, -1 if never compacted (etcd {@code FirstRev()} via a read txn). */
  public long firstRev() {
    try (TxnRead tr = read()) {
      return tr.firstRev();
    }
  }

  /** The compacted revision, -1 if never compacted. */
  public long compactRev() {
    return compactMainRev;
  }

  // ---------------------------------------------------------------------------------------------
  // Hooks for the watchable store (same package).

  /** The current revision, read racily. Hold {@code revMu} shared for a stable value. */
  long currentRev() {
    return currentRev;
  }

  /** The compacted revision, read racily. Hold {@code revMu} shared for a stable value. */
  long compactMainRev() {
    return compactMainRev;
  }

  /**
   * Every stored entry of the {@code key} bucket with main revision in {@code [minRev, maxRev]}, in
   * revision order (etcd {@code UnsafeRange(keyBucketName, minRev, maxRev+1, 0)}): keys are the
   * 17/18-byte revision keys ({@link Revision#isTombstone}), values marshaled {@code KeyValue}s.
   */
  KvBackend.Range revisionRange(long minRev, long maxRev) {
    byte[] from = Revision.of(minRev).toBytes();
    byte[] to = Revision.of(maxRev + 1).toBytes();
    try (KvBackend.ReadTx tx = b.openRead()) {
      return tx.range(KvBackend.KEY_BUCKET, from, to, 0);
    }
  }

  /** What this store's txns did ({@code etcd_mvcc_*_total}). */
  public MvccCounters counters() {
    return counters;
  }

  /** Keys that exist now ({@code etcd_debugging_mvcc_keys_total}). */
  public long liveKeys() {
    return kvindex.liveKeys();
  }

  /** The index, for watchers catching up ({@link TreeIndex#rangeSince}). */
  TreeIndex index() {
    return kvindex;
  }

  // ---------------------------------------------------------------------------------------------
  // Compaction (etcd updateCompactRev / compact / scheduleCompaction).

  /**
   * Compacts the history up to {@code rev}: revisions at or below it that are superseded become
   * unreadable at once; the backend space is freed asynchronously.
   *
   * @return completes when the backend deletion finished (etcd's physical compaction channel);
   *     fails with {@link MvccError#CLOSED} if the store was closed or restored before that
   * @throws MvccException {@link MvccError#COMPACTED} if {@code rev <= compactRev()} (wait on
   *     {@link #compactBarrier()} for etcd's "physical" behaviour), {@link MvccError#FUTURE_REV} if
   *     {@code rev > rev()}
   */
  public CompletableFuture<Void> compact(long rev) throws MvccException {
    mu.writeLock().lock();
    try {
      updateCompactRev(rev);
      return scheduleCompact(rev);
    } finally {
      mu.writeLock().unlock();
    }
  }

  /** Completes once every compaction scheduled before this call has finished. */
  public CompletableFuture<Void> compactBarrier() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      compactor.execute(() -> f.complete(null));
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new MvccException(MvccError.CLOSED));
    }
    return f;
  }

  @GuardedBy("mu")
  private void updateCompactRev(long rev) throws MvccException {
    revMu.writeLock().lock();
    try {
      if (rev <= compactMainRev) {
        throw new MvccException(MvccError.COMPACTED);
      }
      if (rev > currentRev) {
        throw new MvccException(MvccError.FUTURE_REV);
      }
      compactMainRev = rev;
      KvBackend.WriteTx tx = b.lockWrite();
      try {
        tx.put(KvBackend.META_BUCKET, SCHEDULED_COMPACT_KEY, Revision.of(rev).toBytes());
        // A compaction entry's data is the scheduled revision: its index goes in the same batch.
        saveIndex(tx);
      } finally {
        tx.unlock();
      }
      // The scheduled compaction must be durable before any revision disappears.
      b.forceCommit();
    } finally {
      revMu.writeLock().unlock();
    }
  }

  @GuardedBy("mu")
  private CompletableFuture<Void> scheduleCompact(long rev) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    CountDownLatch stop = stopc;
    KvBackend backend = b;
    TreeIndex index = kvindex;
    Runnable job =
        () -> {
          CountDownLatch finished = new CountDownLatch(1);
          runningCompaction.set(finished);
          try {
            if (stop.getCount() == 0) {
              done.completeExceptionally(new MvccException(MvccError.CLOSED));
              return;
            }
            Set<Revision> keep = index.compact(rev);
            if (!new Compaction(backend, rev, keep, cfg, stop).run()) {
              done.completeExceptionally(new MvccException(MvccError.CLOSED));
              return;
            }
            done.complete(null);
          } catch (RuntimeException | Error e) {
            LOG.error("compaction at revision {} failed", rev, e);
            done.completeExceptionally(e);
          } finally {
            finished.countDown();
          }
        };
    try {
      compactor.execute(job);
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new MvccException(MvccError.CLOSED));
    }
    return done;
  }

  // ---------------------------------------------------------------------------------------------
  // Hashes.

  /**
   * The hash of the whole backend (etcd {@code Hash}): forces a commit, then hashes every bucket
   * except {@code meta/consistent_index}. Returns (hash, current revision).
   */
  public KvHash hash() {
    b.forceCommit();
    long h = b.hash();
    return new KvHash(h, currentRev, compactMainRev);
  }

  /**
   * etcd {@code HashByRev} (gRPC {@code HashKV}): CRC-32C of the {@code key} bucket history up to
   * {@code rev} (0 = current), as it would be after compacting at the current compacted revision.
   *
   * @throws MvccException {@link MvccError#COMPACTED} if {@code 0 < rev <= compactRev()}, {@link
   *     MvccError#FUTURE_REV} if {@code rev > rev()}
   */
  public KvHash hashByRev(long rev) throws MvccException {
    KvBackend.ReadTx tx;
    Set<Revision> keep;
    long compactRev;
    long curRev;
    mu.readLock().lock();
    try {
      revMu.readLock().lock();
      try {
        compactRev = compactMainRev;
        curRev = currentRev;
      } finally {
        revMu.readLock().unlock();
      }
      if (rev > 0 && rev <= compactRev) {
        throw new MvccException(MvccError.COMPACTED);
      }
      if (rev > 0 && rev > curRev) {
        throw new MvccException(MvccError.FUTURE_REV);
      }
      if (rev == 0) {
        rev = curRev;
      }
      keep = kvindex.keep(rev);
      tx = b.openRead();
    } finally {
      mu.readLock().unlock();
    }
    Revision upper = Revision.of(rev + 1);
    Revision lower = Revision.of(compactRev + 1);
    CRC32C h = new CRC32C();
    h.update(bytes(KvBackend.KEY_BUCKET));
    try (tx) {
      tx.forEach(
          KvBackend.KEY_BUCKET,
          (k, v) -> {
            Revision kr = Revision.fromBytes(k);
            if (!upper.greaterThan(kr)) {
              return;
            }
            // Skip what the ongoing compaction is about to delete, so a node mid-compaction
            // hashes like one that finished it.
            if (lower.greaterThan(kr) && !keep.isEmpty() && !keep.contains(kr)) {
              return;
            }
            h.update(k);
            h.update(v);
          });
    }
    return new KvHash(h.getValue(), curRev, compactRev);
  }

  // ---------------------------------------------------------------------------------------------
  // Consistent index.

  /**
   * Records, at the end of a write session (batch tx still held), that the batch now holds the
   * applying entry's writes: the index goes into the same batch (etcd 3.4 {@code saveIndex}, called
   * from every write txn's {@code End}).
   */
  void saveIndex(KvBackend.WriteTx tx) {
    if (ci != null) {
      ci.unsafeSave(tx);
    }
  }

  /** The last saved raft index (etcd {@code ConsistentIndex()}); 0 if none or not tracked. */
  public long consistentIndex() {
    return ci == null ? 0 : ci.get();
  }

  /** Saves the consistent index and commits the backend batch (etcd {@code Commit}). */
  public void commit() {
    mu.writeLock().lock();
    try {
      KvBackend.WriteTx tx = b.lockWrite();
      try {
        saveIndex(tx);
      } finally {
        tx.unlock();
      }
      b.forceCommit();
    } finally {
      mu.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Restore and close.

  /**
   * Replaces the backend (after a snapshot was received) and rebuilds everything from it (etcd
   * {@code Restore}). Compactions of the old backend stop.
   */
  void restore(KvBackend newBackend) {
    mu.writeLock().lock();
    try {
      stopCompactions();
      b = newBackend;
      rebuildLocked();
    } finally {
      mu.writeLock().unlock();
    }
  }

  /** {@link #restore(KvBackend)} over the storage backend. */
  void restore(Backend newBackend) {
    restore(new BackendKv(newBackend));
  }

  /** Replaces the state of the store's own backend, for {@link #restoreInPlace}. */
  @FunctionalInterface
  public interface Install {
    /** Installs the new state; on IOException nothing may have changed. */
    void install() throws IOException;
  }

  /**
   * Installs a received snapshot into this store's (same) backend and rebuilds the index from it,
   * holding {@code mu} exclusively across both (C2): a reader either finished on the old state
   * before the install, or opens after the rebuild and sees the new one. {@code install} runs under
   * the lock too, so it may also recover the lessor from the new state (etcd restores the lessor
   * before the kv, {@code etcdserver/server.go applySnapshot}). Compactions of the old state stop
   * first, so none deletes from the new one. If the install fails the store rebuilds from the
   * unchanged backend and the exception is rethrown.
   */
  void restoreInPlace(Install install) throws IOException {
    mu.writeLock().lock();
    try {
      stopCompactions();
      try {
        install.install();
      } finally {
        rebuildLocked();
      }
    } finally {
      mu.writeLock().unlock();
    }
  }

  @GuardedBy("mu")
  private void stopCompactions() {
    stopc.countDown();
    stopc = new CountDownLatch(1);
    awaitRunningCompaction();
  }

  @GuardedBy("mu")
  private void rebuildLocked() {
    attachBackend(b);
    kvindex = new TreeIndex();
    revMu.writeLock().lock();
    try {
      currentRev = 1;
      compactMainRev = -1;
    } finally {
      revMu.writeLock().unlock();
    }
    restoreLocked();
  }

  @GuardedBy("mu")
  private void restoreLocked() {
    StoreRestore.Result r = new StoreRestore(b, kvindex, le).run();
    long scheduled;
    revMu.writeLock().lock();
    try {
      if (r.finishedCompactRev() >= 0) {
        compactMainRev = r.finishedCompactRev();
        LOG.info("restored last compact revision {}", compactMainRev);
      }
      // After a compaction every revision up to it may be gone; never go below it.
      currentRev = Math.max(r.lastRev(), compactMainRev);
      // A crash mid-compaction may have deleted the newest revisions (tombstones at the scheduled
      // revision) before finishedCompactRev was written; the scheduled revision did exist.
      currentRev = Math.max(currentRev, r.scheduledCompactRev());
      scheduled = r.scheduledCompactRev() <= compactMainRev ? 0 : r.scheduledCompactRev();
    } finally {
      revMu.writeLock().unlock();
    }
    if (scheduled != 0) {
      try {
        updateCompactRev(scheduled);
        // Nobody waits for a resumed compaction; failures are logged by the job itself.
        CompletableFuture<Void> unused = scheduleCompact(scheduled);
        LOG.info("resume scheduled compaction at revision {}", scheduled);
      } catch (MvccException e) {
        LOG.warn(
            "cannot resume scheduled compaction at revision {}: {}", scheduled, e.getMessage());
      }
    }
  }

  /**
   * Waits for the compaction job that is running, if any, after it was told to stop: it notices
   * after its current batch. Callers hold {@code mu}; jobs never take it, so this cannot deadlock.
   */
  private void awaitRunningCompaction() {
    CountDownLatch running = runningCompaction.get();
    if (running == null) {
      return;
    }
    try {
      if (!running.await(30, TimeUnit.SECONDS)) {
        LOG.warn("a compaction did not stop within 30 s; continuing");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops compaction work; the backend stays open (its owner closes it). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    mu.writeLock().lock();
    try {
      stopc.countDown();
      awaitRunningCompaction();
    } finally {
      mu.writeLock().unlock();
    }
    if (ownedCompactor != null) {
      ownedCompactor.shutdown();
      try {
        ownedCompactor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Publishes the next revision; the caller holds {@code revMu}'s write lock. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // only ever written under revMu's write lock
  void advanceRev() {
    currentRev++;
  }

  KeyLeases leases() {
    return le;
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
