package io.etcdj.storage.mvcc;

import io.etcdj.storage.backend.BackendReader;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.RangeResult;
import java.nio.ByteBuffer;

/**
 * The raft index of the last entry whose effects are in the backend (etcd 3.5's {@code cindex}
 * package, stored as etcd 3.4 stores it: bucket {@code meta}, key {@code consistent_index}, 8 bytes
 * big-endian; {@code mvcc/kvstore.go}).
 *
 * <p>The apply loop names the entry it is about to apply with {@link #setApplying}; every backend
 * lock session that writes part of that entry calls {@code unsafeSave} before it unlocks, so the
 * index lands in the same batch as the entry's data. Backend commits happen only between lock
 * sessions, so no commit can hold the index without the entry's data or the data without the index
 * (the race behind etcd 3.5.0-3.5.2's data inconsistency, where the index was set before the
 * entry's writes took the lock). Entries that change nothing still record their index in a session
 * of their own (etcd 3.5's model: lease, auth, membership, compaction and failed-txn entries
 * included), so after a restart nothing is applied twice.
 *
 * <p>Threading: {@link #setApplying} and {@code unsafeSave} belong to the apply thread (the save
 * with the backend's batch lock held); {@link #get()} may be called from any thread.
 */
public final class ConsistentIndex {
  /** etcd's {@code consistentIndexKeyName} in {@code metaBucketName}. */
  static final byte[] KEY = KvStore.bytes("consistent_index");

  /** The entry being applied; written by the apply thread only. */
  private volatile long applying;

  /** The last index written into the backend batch (or read from disk at open/restore). */
  private volatile long saved;

  /**
   * The index of the last applied entry whose writes are in the backend (committed, or in the batch
   * the next commit writes); 0 if none was ever saved (etcd {@code ConsistentIndex()}).
   */
  public long get() {
    return saved;
  }

  /** The entry the apply thread is applying now (or applied last). */
  public long applying() {
    return applying;
  }

  /**
   * Names the raft entry whose writes follow. Call on the apply thread before the entry's first
   * write; the index is saved by the entry's write sessions, not here.
   */
  public void setApplying(long index) {
    if (index < saved) {
      throw new IllegalStateException(
          "applying index " + index + " is below the consistent index " + saved);
    }
    applying = index;
  }

  /**
   * Writes the applying index into the batch. The calling thread must hold {@code tx}'s lock and
   * must have written the applying entry's data in the same lock session.
   */
  public void unsafeSave(BatchTx tx) {
    long ci = applying;
    tx.unsafePut(Bucket.META, KEY, encode(ci));
    saved = ci;
  }

  /** As {@link #unsafeSave(BatchTx)} through the KV store's backend seam. */
  void unsafeSave(KvBackend.WriteTx tx) {
    long ci = applying;
    tx.put(KvBackend.META_BUCKET, KEY, encode(ci));
    saved = ci;
  }

  /** Resets both indexes to what a (new or restored) backend holds. */
  void load(KvBackend b) {
    KvBackend.WriteTx tx = b.lockWrite();
    long ci;
    try {
      KvBackend.Range r = tx.range(KvBackend.META_BUCKET, KEY, null, 0);
      ci = r.values().isEmpty() ? 0 : decode(r.values().get(0));
    } finally {
      tx.unlock();
    }
    saved = ci;
    applying = ci;
  }

  /** The consistent index stored in a backend, 0 if none. */
  public static long read(BackendReader r) {
    RangeResult rr = r.unsafeRange(Bucket.META, KEY, null, 0);
    return rr.values().isEmpty() ? 0 : decode(rr.values().get(0));
  }

  private static byte[] encode(long ci) {
    return ByteBuffer.allocate(8).putLong(ci).array();
  }

  private static long decode(byte[] v) {
    if (v.length != 8) {
      throw new IllegalStateException("consistent_index is " + v.length + " bytes, want 8");
    }
    return ByteBuffer.wrap(v).getLong();
  }
}
