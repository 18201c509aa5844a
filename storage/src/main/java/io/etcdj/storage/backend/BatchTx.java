package io.etcdj.storage.backend;

/**
 * The backend's single write transaction (etcd's {@code batchTxBuffered}). Writes accumulate in a
 * batch that is committed to disk atomically every batch interval, once it holds the batch limit of
 * operations, or on {@link #commit()}/{@link Backend#forceCommit()}.
 *
 * <p>Threading: the {@code unsafe*} methods require {@link #lock()} held by the calling thread
 * (checked). Reads through this object see everything written so far, including the current lock
 * session. Concurrent {@link ReadTx}s see a lock session's writes only after {@link #unlock()}, so
 * a multi-operation mvcc write becomes visible atomically. Any thread may be the writer: the apply
 * thread, the batch timer, compaction and the lessor all take the lock. Once a commit has failed,
 * {@link #lock()}, every write and {@link #commit()} throw the latched {@link
 * BackendFatalException}.
 */
public interface BatchTx extends BackendReader {
  /** Takes the writer lock (reentrant). */
  void lock();

  /** Publishes this session's writes to new readers, commits if the batch limit is reached. */
  void unlock();

  /** Creates the bucket if it does not exist; takes effect at once for this writer. */
  void unsafeCreateBucket(Bucket bucket);

  /**
   * Writes a key. The bucket must exist ({@code IllegalStateException} "bucket NAME does not exist"
   * otherwise); the key must be 1..511 bytes (LMDB's key limit).
   */
  void unsafePut(Bucket bucket, byte[] key, byte[] value);

  /** As {@link #unsafePut}; a hint that keys arrive in ascending order (mvcc revisions). */
  void unsafeSeqPut(Bucket bucket, byte[] key, byte[] value);

  /**
   * As {@link #unsafePut}, but the backend keeps {@code key} and {@code value} as they are instead
   * of copying them: the caller hands over ownership and must never modify either array again (C10:
   * the mvcc write path builds fresh arrays per put).
   */
  void unsafePutOwned(Bucket bucket, byte[] key, byte[] value);

  /** Deletes a key; deleting a missing key is not an error. */
  void unsafeDelete(Bucket bucket, byte[] key);

  /** Commits the current batch now, if it has pending operations (etcd {@code Commit}). */
  void commit();

  /** Number of operations in the current batch. Requires the lock. */
  int pending();
}
