package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.lease.Lessor;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
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

  static final byte[] CONSISTENT_INDEX_KEY = bytes("consistent_index");
  static final byte[] SCHEDULED_COMPACT_KEY = bytes("scheduledCompactRev");
  static final byte[] FINISHED_COMPACT_KEY = bytes("finishedCompactRev");

  /** Keys read per backend range while rebuilding the index (etcd {@code restoreChunkKeys}). */
  static final int RESTORE_CHUNK_KEYS = 10000;

  private final StoreConfig cfg;
  private final KeyLeases le;
  private final LongSupplier consistentIndexGetter;
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

  /** Cache of {@code meta/consistent_index}; 0 = not loaded yet. */
  private final AtomicLong consistentIndex = new AtomicLong();

  /**
   * Counted down when the compaction job that set it ends; lets restore and close wait for the one
   * job that may be mid-batch on the old backend (etcd's {@code fifoSched.Stop()}).
   */
  private final AtomicReference<CountDownLatch> runningCompaction = new AtomicReference<>();

  /** Tells the compaction jobs of the current backend to stop (replaced on restore). */
  @GuardedBy("mu")
  private CountDownLatch stopc = new CountDownLatch(1);

  private volatile boolean closed;

  /**
   * Whether the backend writes the consistent index in its pre-commit hook; if not, each write txn
   * writes it itself.
   */
  @GuardedBy("mu")
  private volatile boolean indexHooked;

  private KvStore(KvBackend b, KeyLeases le, LongSupplier consistentIndexGetter, StoreConfig cfg) {
    this.cfg = cfg;
    this.b = b;
    this.le = le == null ? KeyLeases.NONE : le;
    this.consistentIndexGetter = consistentIndexGetter;
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
   * @param consistentIndexGetter the raft index of the entry being applied, saved with each write
   *     txn (etcd {@code ConsistentIndexGetter}); null = not saved
   */
  public static KvStore open(
      KvBackend b, KeyLeases le, LongSupplier consistentIndexGetter, StoreConfig cfg) {
    KvStore s =
        new KvStore(b, le, consistentIndexGetter, cfg == null ? StoreConfig.defaults() : cfg);
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
   * @param lessor the lessor, or null for a store without leases
   */
  public static KvStore open(
      Backend b, Lessor lessor, LongSupplier consistentIndexGetter, StoreConfig cfg) {
    KeyLeases le = lessor == null ? KeyLeases.NONE : new LessorKeyLeases(lessor);
    KvStore s = open(new BackendKv(b), le, consistentIndexGetter, cfg);
    if (lessor != null) {
      lessor.setRangeDeleter(() -> new StoreTxnDelete(s.write()));
    }
    return s;
  }

  /** Creates the buckets and installs the consistent-index hook on a (new) backend. */
  @GuardedBy("mu")
  private void attachBackend(KvBackend nb) {
    nb.createBucket(KvBackend.KEY_BUCKET);
    nb.createBucket(KvBackend.META_BUCKET);
    nb.forceCommit();
    indexHooked =
        consistentIndexGetter != null
            && nb.setPreCommitHook(
                tx -> {
                  long ci = consistentIndex.get();
                  if (ci > 0) {
                    writeIndex(tx, ci);
                  }
                });
    consistentIndex.set(0);
    consistentIndex();
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

  /** Opens a write txn; blocks while another write txn is open. End it on the same thread. */
  public TxnWrite write() {
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
   * Records, at the end of a write txn with changes (batch tx still held), that the data now in the
   * batch covers the applying entry's raft index. With a pre-commit hook the index is written once
   * per commit, into the same batch as that data; otherwise it is written here, as etcd 3.4 does.
   */
  void txnEnded(KvBackend.WriteTx tx) {
    if (consistentIndexGetter == null) {
      return;
    }
    if (indexHooked) {
      consistentIndex.set(consistentIndexGetter.getAsLong());
    } else {
      saveIndex(tx);
    }
  }

  /** Writes the applying entry's raft index into {@code meta} within the given write txn. */
  void saveIndex(KvBackend.WriteTx tx) {
    if (consistentIndexGetter == null) {
      return;
    }
    long ci = consistentIndexGetter.getAsLong();
    writeIndex(tx, ci);
    consistentIndex.set(ci);
  }

  private static void writeIndex(KvBackend.WriteTx tx, long ci) {
    tx.put(KvBackend.META_BUCKET, CONSISTENT_INDEX_KEY, ByteBuffer.allocate(8).putLong(ci).array());
  }

  /**
   * The last saved raft index (etcd {@code ConsistentIndex()}), read from the backend if needed.
   */
  public long consistentIndex() {
    long ci = consistentIndex.get();
    if (ci > 0) {
      return ci;
    }
    KvBackend.WriteTx tx = b.lockWrite();
    try {
      KvBackend.Range r = tx.range(KvBackend.META_BUCKET, CONSISTENT_INDEX_KEY, null, 0);
      if (r.values().isEmpty()) {
        return 0;
      }
      ci = ByteBuffer.wrap(r.values().get(0)).getLong();
    } finally {
      tx.unlock();
    }
    consistentIndex.set(ci);
    return ci;
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
  public void restore(KvBackend newBackend) {
    mu.writeLock().lock();
    try {
      stopc.countDown();
      stopc = new CountDownLatch(1);
      awaitRunningCompaction();
      b.setPreCommitHook(null);
      b = newBackend;
      attachBackend(newBackend);
      kvindex = new TreeIndex();
      revMu.writeLock().lock();
      try {
        currentRev = 1;
        compactMainRev = -1;
      } finally {
        revMu.writeLock().unlock();
      }
      restoreLocked();
    } finally {
      mu.writeLock().unlock();
    }
  }

  /** {@link #restore(KvBackend)} over the storage backend. */
  public void restore(Backend newBackend) {
    restore(new BackendKv(newBackend));
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
