package io.etcdj.storage.backend;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.function.BiConsumer;

/**
 * The single writer of an {@link LmdbBackend} (etcd's {@code batchTxBuffered}); see {@link BatchTx}
 * for threading. It owns the lock-session state; the batch itself (the overlay) and the commit
 * belong to the backend. Every method checks at run time that the calling thread holds the
 * backend's {@code batchLock}, which Error Prone cannot follow across the two classes.
 */
@SuppressWarnings("GuardedBy")
final class Writer implements BatchTx {
  private final LmdbBackend be;

  /** The lock session this writer is in; its writes become visible at unlock. */
  long session;

  /** Set while close() commits the last batch, so the pre-commit hook may still write. */
  boolean closing;

  private boolean wroteInSession;
  private int pending;

  Writer(LmdbBackend be) {
    this.be = be;
  }

  @Override
  public void lock() {
    be.batchLock.lock();
    if (be.batchLock.getHoldCount() == 1 && !closing) {
      BackendFatalException f = be.fatalError();
      if (f != null) {
        be.batchLock.unlock();
        throw f;
      }
      if (be.closed.get()) {
        be.batchLock.unlock();
        throw new IllegalStateException("backend closed");
      }
    }
    if (be.batchLock.getHoldCount() == 1) {
      session = be.published + 1;
      wroteInSession = false;
    }
  }

  @Override
  public void unlock() {
    checkHeld();
    try {
      if (be.batchLock.getHoldCount() == 1) {
        if (wroteInSession) {
          be.published = session;
          wroteInSession = false;
        }
        if (pending >= be.config.batchLimit() && be.fatalError() == null) {
          be.commitLocked();
        }
      }
    } finally {
      be.batchLock.unlock();
    }
  }

  @Override
  public void unsafeCreateBucket(Bucket bucket) {
    checkHeld();
    be.checkFatal();
    if (!be.bucketExists(bucket)) {
      be.overlay.createBucket(bucket);
      pending++;
    }
  }

  @Override
  public void unsafePut(Bucket bucket, byte[] key, byte[] value) {
    write(bucket, key.clone(), value.clone());
  }

  @Override
  public void unsafeSeqPut(Bucket bucket, byte[] key, byte[] value) {
    write(bucket, key.clone(), value.clone());
  }

  @Override
  public void unsafePutOwned(Bucket bucket, byte[] key, byte[] value) {
    write(bucket, key, value);
  }

  @Override
  public void unsafeDelete(Bucket bucket, byte[] key) {
    write(bucket, key.clone(), null);
  }

  private void write(Bucket bucket, byte[] key, byte[] value) {
    checkHeld();
    be.checkFatal();
    checkArgument(
        key.length > 0 && key.length <= be.maxKeySize,
        "key size %s out of range [1, %s]",
        key.length,
        be.maxKeySize);
    if (!be.bucketExists(bucket)) {
      throw new IllegalStateException("bucket " + bucket + " does not exist");
    }
    be.overlay.write(bucket, key, value, session);
    wroteInSession = true;
    pending++;
  }

  @Override
  public RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit) {
    checkHeld();
    return be.writerView.unsafeRange(bucket, key, endKey, limit);
  }

  @Override
  public void unsafeForEach(Bucket bucket, BiConsumer<byte[], byte[]> visitor) {
    checkHeld();
    be.writerView.unsafeForEach(bucket, visitor);
  }

  @Override
  public void commit() {
    lock();
    try {
      be.commitLocked();
    } finally {
      unlock();
    }
  }

  @Override
  public int pending() {
    checkHeld();
    return pending;
  }

  /** The batch was committed or discarded. */
  void resetPending() {
    pending = 0;
  }

  private void checkHeld() {
    checkState(be.batchLock.isHeldByCurrentThread(), "batch tx lock not held");
  }
}
