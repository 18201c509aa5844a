package io.etcdj.storage.mvcc;

import java.util.List;

/**
 * The part of the storage backend the KV store uses, in etcd's terms ({@code mvcc/backend}'s {@code
 * BatchTx}, {@code ReadTx}, {@code ForceCommit}, {@code Hash}). It is the seam between this package
 * and {@code io.etcdj.storage.backend}: production code wraps the real backend, tests may use an
 * in-memory one.
 *
 * <p>Range arguments follow etcd's {@code UnsafeRange}: {@code end == null} reads exactly {@code
 * key}; otherwise {@code [key, end)} in unsigned byte order; {@code limit <= 0} means no limit.
 *
 * <p>Implementations are thread-safe: one write txn at a time (the batch tx lock), any number of
 * reads; a read opened after a write txn {@linkplain WriteTx#unlock() unlocked} sees its writes.
 */
public interface KvBackend {
  /** Bucket names the KV store writes (etcd {@code keyBucketName}, {@code metaBucketName}). */
  String KEY_BUCKET = "key";

  String META_BUCKET = "meta";

  /** Keys and values of a range read, in key order. Arrays must not be modified. */
  record Range(List<byte[]> keys, List<byte[]> values) {}

  /** A read view of the backend. Used by one thread; {@link #close()} ends it. */
  interface ReadTx extends AutoCloseable {
    Range range(String bucket, byte[] key, byte[] end, long limit);

    /** Calls {@code visitor} with every entry of the bucket in key order. */
    void forEach(String bucket, Visitor visitor);

    @Override
    void close();
  }

  /** Receives one bucket entry. */
  @FunctionalInterface
  interface Visitor {
    void visit(byte[] key, byte[] value);
  }

  /** The single batch write transaction, locked by {@link #lockWrite()}. Reads see own writes. */
  interface WriteTx {
    Range range(String bucket, byte[] key, byte[] end, long limit);

    void put(String bucket, byte[] key, byte[] value);

    /** A put of keys arriving in increasing order (etcd {@code UnsafeSeqPut}). */
    void seqPut(String bucket, byte[] key, byte[] value);

    void delete(String bucket, byte[] key);

    /** Releases the batch tx; the writes become visible to reads opened afterwards. */
    void unlock();
  }

  /** Creates a bucket if it does not exist yet (under the batch tx lock). */
  void createBucket(String bucket);

  /** Takes the batch tx lock and returns the write txn. */
  WriteTx lockWrite();

  /** Opens a read view (etcd {@code ConcurrentReadTx}). */
  ReadTx openRead();

  /** Commits the pending batch now. */
  void forceCommit();

  /**
   * etcd's backend {@code Hash(DefaultIgnores)}: CRC-32C over all buckets, skipping {@code
   * meta/consistent_index}, as an unsigned 32-bit value.
   */
  long hash();

  /**
   * Installs a hook run with the batch tx held right before each non-empty commit, writing into the
   * committing batch (the backend's pre-commit hook); null removes it. Returns false if this
   * backend has no hooks, in which case the store writes what the hook would at the end of each
   * write txn.
   */
  default boolean setPreCommitHook(java.util.function.Consumer<WriteTx> hook) {
    return false;
  }
}
