package io.etcdj.storage.node;

import static com.google.common.base.Preconditions.checkState;

import io.etcdj.storage.auth.AuthWriter;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.lease.LeaseException;
import io.etcdj.storage.mvcc.MvccException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The application of one raft entry to the node's state ({@link NodeStore#beginApply}). Whatever
 * the entry does (an mvcc txn, a lease grant, revoke or checkpoint, a compaction, a membership or
 * auth write, or nothing at all) goes through this object, and its raft index is saved in the same
 * backend batch as its writes; {@link #close()} saves it for an entry that wrote nothing. So after
 * a crash {@link NodeStore#consistentIndex()} names exactly the last entry whose writes are on
 * disk: the apply loop skips entries at or below it and applies everything after it, once.
 *
 * <p>An entry does one thing: the mvcc {@link #txn()}, or one lease operation or compaction. Each
 * is a single backend lock session, so a commit (which happens only between sessions) never splits
 * an entry. For the same reason an entry's non-mvcc writes go in one {@link #writeBackend} call,
 * made while the entry's txn is still open if it has one (the open txn holds the lock, so both
 * share its session).
 *
 * <p>Not thread-safe: opened, used and closed on the apply thread.
 */
public final class ApplyTxn implements AutoCloseable {
  private final NodeStore store;
  private final long index;
  private WriteTxn txn;
  private boolean acted;
  private boolean closed;

  ApplyTxn(NodeStore store, long index) {
    this.store = store;
    this.index = index;
  }

  /** The raft index of the entry being applied. */
  public long index() {
    return index;
  }

  /**
   * The entry's mvcc write txn (Put, DeleteRange, Txn requests), opened on the first call; later
   * calls return the same txn. Its changes reach watchers when it ends ({@link WriteTxn#end()} or
   * {@link #close()}).
   */
  public WriteTxn txn() {
    checkOpen();
    if (txn == null) {
      checkState(!acted, "an entry applies one operation; this one already did");
      acted = true;
      txn = new WriteTxn(store.watchable().write());
    }
    return txn;
  }

  /** Grants a lease (etcd {@code LeaseGrant}); see {@link io.etcdj.storage.lease.Lessor#grant}. */
  public Lease grantLease(long id, long ttlSeconds) throws LeaseException {
    beginOperation();
    BatchTx tx = store.backend().batchTx();
    tx.lock();
    try {
      Lease lease = store.lessor().grant(id, ttlSeconds);
      store.index().unsafeSave(tx);
      return lease;
    } finally {
      tx.unlock();
    }
  }

  /**
   * Revokes a lease (etcd {@code LeaseRevoke}): its keys are deleted through the watchable store at
   * one revision, so watchers see the deletes, and the lease goes in the same batch.
   */
  public void revokeLease(long id) throws LeaseException {
    beginOperation();
    store.lessor().revoke(id);
  }

  /** Records a lease's remaining TTL (etcd {@code LeaseCheckpoint}); unknown ids are ignored. */
  public void checkpointLease(long id, long remainingTtlSeconds) throws LeaseException {
    beginOperation();
    BatchTx tx = store.backend().batchTx();
    tx.lock();
    try {
      store.lessor().checkpoint(id, remainingTtlSeconds);
      store.index().unsafeSave(tx);
    } finally {
      tx.unlock();
    }
  }

  /**
   * Compacts the history up to {@code rev} (etcd {@code Compaction}). Revisions at or below it that
   * are superseded become unreadable at once; the returned future completes when the backend space
   * is freed (etcd's physical compaction, which {@code physical: true} requests wait for).
   *
   * @throws MvccException {@code COMPACTED} or {@code FUTURE_REV}
   */
  public CompletableFuture<Void> compact(long rev) throws MvccException {
    beginOperation();
    return store.watchable().kv().compact(rev);
  }

  /**
   * The writer for this entry's auth change ({@link io.etcdj.storage.auth.AuthStore}'s mutations
   * take it): each write is one backend session with the entry's index, as {@link #writeBackend}.
   */
  public AuthWriter auth() {
    beginOperation();
    return this::writeBackend;
  }

  /**
   * Writes the entry's changes to buckets outside mvcc (membership, auth, alarms, cluster version)
   * in one backend lock session, with the entry's index. {@code writes} runs on this thread with
   * the batch lock held; it must not block or open a read txn.
   */
  public void writeBackend(Consumer<BatchTx> writes) {
    checkOpen();
    BatchTx tx = store.backend().batchTx();
    tx.lock();
    try {
      writes.accept(tx);
      store.index().unsafeSave(tx);
    } finally {
      tx.unlock();
    }
  }

  /**
   * Ends the txn if open, then records the entry's index if nothing else did (an entry that changed
   * nothing, or whose operation failed). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (txn != null) {
        txn.end();
      }
      if (store.index().get() < index) {
        BatchTx tx = store.backend().batchTx();
        tx.lock();
        try {
          store.index().unsafeSave(tx);
        } finally {
          tx.unlock();
        }
      }
    } finally {
      store.applyEnded(this);
    }
  }

  private void beginOperation() {
    checkOpen();
    checkState(!acted, "an entry applies one operation; this one already did");
    acted = true;
  }

  private void checkOpen() {
    checkState(!closed, "entry %s already applied", index);
  }
}
