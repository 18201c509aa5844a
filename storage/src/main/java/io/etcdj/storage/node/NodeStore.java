package io.etcdj.storage.node;

import static com.google.common.base.Preconditions.checkState;

import io.etcdj.storage.auth.AuthStore;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.BackendSnapshot;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.backend.ReadTx;
import io.etcdj.storage.lease.Lessor;
import io.etcdj.storage.lease.LessorImpl;
import io.etcdj.storage.mvcc.ConsistentIndex;
import io.etcdj.storage.mvcc.KvHash;
import io.etcdj.storage.mvcc.KvStore;
import io.etcdj.storage.mvcc.MvccCounters;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.mvcc.StoreTxnDelete;
import io.etcdj.storage.mvcc.WatchStream;
import io.etcdj.storage.mvcc.WatchableStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state an etcd server holds for its node (etcd's {@code EtcdServer.be}, {@code kv}, {@code
 * lessor} and {@code consistIndex} together): the LMDB backend, the mvcc store wrapped by the
 * watchable store, the lessor, and the consistent index. The conventions a server must not get
 * wrong are decided here once: writes only through {@link #beginApply} (which saves each entry's
 * raft index with its writes, and hands every change to watchers), proto range conventions, {@code
 * more}/{@code count}, header revisions, watch start revisions and prev-kv, and one {@link
 * #close()} in the right order.
 *
 * <p>Threading:
 *
 * <ul>
 *   <li><b>apply thread only</b> (the one thread applying committed raft entries): {@link
 *       #beginApply} and everything on the {@link ApplyTxn}; {@link #close()}.
 *   <li><b>any thread, never an event loop</b> (they can wait behind a commit's fsync, a
 *       compaction's bookkeeping or a restore): {@link #read()}, {@link #hash()}, {@link
 *       #hashKv(long)}, {@link #snapshot()}, {@link #rev()}, the {@link WatchStream} calls.
 *   <li><b>any thread</b>, never blocking: {@link #consistentIndex()}, {@link #newWatchStream()}
 *       (the stream's {@code poll()} is non-blocking but reads the store for prev-kv watchers),
 *       {@link #lessor()}'s lookups and {@code renewAsync}.
 * </ul>
 */
public final class NodeStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStore.class);

  private final NodeStoreConfig config;
  private final Backend backend;
  private final LessorImpl lessor;
  private final ConsistentIndex index;
  private final KvStore kv;
  private final WatchableStore watchable;
  private final AuthStore auth;
  @Nullable private final ScheduledExecutorService ownedScheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The entry being applied; touched by the apply thread only. */
  @Nullable private ApplyTxn applying;

  private NodeStore(
      NodeStoreConfig config,
      Backend backend,
      LessorImpl lessor,
      ConsistentIndex index,
      KvStore kv,
      WatchableStore watchable,
      AuthStore auth,
      @Nullable ScheduledExecutorService ownedScheduler) {
    this.config = config;
    this.backend = backend;
    this.lessor = lessor;
    this.index = index;
    this.kv = kv;
    this.watchable = watchable;
    this.auth = auth;
    this.ownedScheduler = ownedScheduler;
  }

  /**
   * Opens (creating if needed) the backend, restores the leases, then the mvcc store with its index
   * and leases' keys, resumes an unfinished compaction, and starts the watch loops (etcd {@code
   * NewServer}: {@code openBackend}, {@code lease.NewLessor}, {@code mvcc.New}).
   */
  public static NodeStore open(NodeStoreConfig config) {
    ScheduledExecutorService owned = null;
    LmdbBackend be = LmdbBackend.open(config.backend());
    try {
      LessorImpl lessor = new LessorImpl(be, config.lessor(), config.nanoClock());
      ConsistentIndex index = new ConsistentIndex();
      KvStore kv = KvStore.open(be, lessor, index, config.store());
      ScheduledExecutorService scheduler = config.watchScheduler();
      if (scheduler == null) {
        String name = "watch-sync-" + config.backend().path().getFileName();
        owned =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, name);
                  t.setDaemon(true);
                  return t;
                });
        scheduler = owned;
      }
      // Wrapping replaces the lessor's range deleter, so revokes reach watchers.
      WatchableStore ws = WatchableStore.wrap(kv, lessor, config.watch(), scheduler);
      ws.start();
      AuthStore auth = AuthStore.open(be, config.auth());
      LOG.info(
          "opened node store {} at revision {}, consistent index {}",
          config.backend().path(),
          ws.rev(),
          index.get());
      return new NodeStore(config, be, lessor, index, kv, ws, auth, owned);
    } catch (RuntimeException | Error e) {
      if (owned != null) {
        owned.shutdownNow();
      }
      be.close();
      throw e;
    }
  }

  /**
   * The raft index of the last entry whose writes are in the backend (etcd {@code
   * ConsistentIndex()}); after a restart, the last entry applied before the crash. The apply loop
   * skips entries at or below it.
   */
  public long consistentIndex() {
    return index.get();
  }

  /**
   * Starts applying raft entry {@code entryIndex}; close the returned txn when the entry is done.
   * One entry at a time, in index order, each above {@link #consistentIndex()}.
   *
   * @throws IllegalStateException if another entry is being applied, or {@code entryIndex} is not
   *     above the consistent index
   */
  public ApplyTxn beginApply(long entryIndex) {
    checkState(!closed.get(), "node store closed");
    checkState(applying == null, "entry %s is still being applied", index.applying());
    checkState(
        entryIndex > index.get(),
        "entry %s is at or below the consistent index %s: already applied",
        entryIndex,
        index.get());
    index.setApplying(entryIndex);
    applying = new ApplyTxn(this, entryIndex);
    return applying;
  }

  void applyEnded(ApplyTxn txn) {
    if (applying == txn) {
      applying = null;
    }
  }

  /** Opens a serializable read txn at the current revision. Close it on the same thread. */
  public ReadTxn read() {
    return new ReadTxn(watchable.read());
  }

  /** The current revision. */
  public long rev() {
    return watchable.rev();
  }

  /** The compacted revision, -1 if never compacted. */
  public long compactRev() {
    return kv.compactRev();
  }

  /**
   * A new watch stream; create watchers on it with {@link
   * WatchStream#watch(io.etcdj.proto.etcdserverpb.WatchCreateRequest)} (etcd's conventions, prev-kv
   * and filters as options).
   */
  public WatchStream newWatchStream() {
    return watchable.newWatchStream();
  }

  /**
   * The lessor, for everything but changes of state: renew ({@code renewAsync} on an event loop),
   * lookup, leases, promote/demote, {@code run}/{@code pollExpiredLeases}, the checkpointer.
   * Grants, revokes and checkpoints are raft entries: apply them through {@link ApplyTxn}.
   */
  public Lessor lessor() {
    return lessor;
  }

  /** What the mvcc txns did ({@code etcd_mvcc_{range,put,delete,txn}_total}). */
  public MvccCounters mvccCounters() {
    return kv.counters();
  }

  /** Keys that exist now ({@code etcd_debugging_mvcc_keys_total}). */
  public long keys() {
    return kv.liveKeys();
  }

  /**
   * The auth store (etcd's {@code AuthStore}): checks, reads and token lookups on any thread;
   * changes are raft entries, applied with {@link ApplyTxn#auth()} as the writer.
   */
  public AuthStore auth() {
    return auth;
  }

  /** The backend, for reads of non-mvcc buckets, sizes and defrag; write via {@link ApplyTxn}. */
  public Backend backend() {
    return backend;
  }

  /** etcd {@code Hash}: the whole backend but {@code consistent_index}, after a commit. */
  public KvHash hash() {
    return kv.hash();
  }

  /**
   * etcd {@code HashKV}: the {@code key} bucket history up to {@code rev} (0 = current).
   *
   * @throws MvccException {@code COMPACTED} or {@code FUTURE_REV}
   */
  public KvHash hashKv(long rev) throws MvccException {
    return kv.hashByRev(rev);
  }

  /**
   * A point-in-time backend snapshot for a raft snapshot message (etcd {@code be.Snapshot()});
   * O(1), taken on the apply thread right after the entry the raft snapshot names.
   */
  public BackendSnapshot snapshot() throws IOException {
    return backend.snapshot();
  }

  /**
   * Installs a database received with a raft snapshot as the node's whole state, in one step (C2,
   * etcd {@code applySnapshot}): the received file is checked first, then, holding the watch and
   * store locks, the backend swaps to it in place, the lessor recovers its leases from it, the mvcc
   * store rebuilds its index (re-attaching keys to those leases), and synced watchers move to
   * unsynced to catch up on the new history. A reader racing it sees the old state or the new,
   * never a closed backend; readers and writers wait meanwhile. On any failure nothing changed.
   *
   * <p>Apply thread only, between entries. The received file is not removed (the snap package
   * releases it).
   *
   * @param receivedDb the {@code <index>.snap.db} file, in any format the backend reads
   * @param snapshotIndex the raft snapshot's index; the database must be at least that new
   * @throws SnapshotMismatchException if the database's consistent index is below {@code
   *     snapshotIndex} (etcd: "database file (...) does not match with snapshot (...)")
   * @throws IOException if the file cannot be read
   */
  public void restore(Path receivedDb, long snapshotIndex) throws IOException {
    checkState(!closed.get(), "node store closed");
    checkState(applying == null, "entry %s is still being applied", index.applying());
    Path db = config.backend().path().toAbsolutePath();
    Path staged = db.resolveSibling(db.getFileName() + ".restore." + snapshotIndex);
    Files.deleteIfExists(staged);
    try {
      // Decode once into an LMDB file beside the data file; the live install then links it.
      LmdbBackend.installSnapshot(receivedDb, staged);
      checkIndex(receivedDb, staged, snapshotIndex);
      long start = System.nanoTime();
      watchable.restoreInPlace(
          () -> {
            backend.installSnapshot(staged);
            lessor.recover(backend, () -> new StoreTxnDelete(watchable.write()));
            auth.recover();
          });
      LOG.info(
          "restored node store from snapshot {} (index {}): revision {}, consistent index {},"
              + " took {} ms",
          receivedDb,
          snapshotIndex,
          watchable.rev(),
          index.get(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      Files.deleteIfExists(staged);
      Files.deleteIfExists(staged.resolveSibling(staged.getFileName() + "-lock"));
    }
  }

  /**
   * etcd's start-up check ({@code NewServer}) that the backend is not older than the newest raft
   * snapshot the server restarts from: a consistent index below the snapshot's index means the
   * database file lost applied entries. An index of 0 (a database from before consistent indexes)
   * passes with etcd's warning.
   *
   * @throws SnapshotMismatchException with etcd's text, naming the backend file
   */
  public void checkAgainstSnapshot(long snapshotIndex) throws SnapshotMismatchException {
    check(config.backend().path(), index.get(), snapshotIndex);
  }

  private static void check(Path db, long dbIndex, long snapshotIndex)
      throws SnapshotMismatchException {
    if (dbIndex == 0) {
      LOG.warn("consistent index was never saved in {} (snapshot index {})", db, snapshotIndex);
    } else if (dbIndex < snapshotIndex) {
      throw new SnapshotMismatchException(db, dbIndex, snapshotIndex);
    }
  }

  /** etcd's check that a database is not older than the snapshot that names it. */
  private void checkIndex(Path receivedDb, Path staged, long snapshotIndex) throws IOException {
    BackendConfig probe =
        BackendConfig.builder(staged).maxReaders(4).memberId(config.backend().memberId()).build();
    long dbIndex;
    try (LmdbBackend be = LmdbBackend.open(probe);
        ReadTx tx = be.concurrentReadTx()) {
      dbIndex = ConsistentIndex.read(tx);
    }
    check(receivedDb, dbIndex, snapshotIndex);
  }

  WatchableStore watchable() {
    return watchable;
  }

  ConsistentIndex index() {
    return index;
  }

  NodeStoreConfig config() {
    return config;
  }

  /**
   * Closes everything, in etcd's order: the watch loops, the mvcc store (stopping compaction), the
   * lessor (failing pending renewals), then the backend (committing the last batch), and the watch
   * scheduler if owned. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      watchable.close();
      kv.close();
      lessor.close();
    } finally {
      backend.close();
      if (ownedScheduler != null) {
        ownedScheduler.shutdownNow();
        try {
          ownedScheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
