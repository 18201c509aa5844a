package io.etcdj.storage.backend;

import java.io.IOException;
import java.util.Set;

/**
 * The transactional key-value file under {@code member/snap/db} that mvcc, lease, auth and
 * membership persist into (etcd's {@code mvcc/backend.Backend}).
 *
 * <p>Threading: all methods are thread-safe. Writes go through the single {@link #batchTx()}; reads
 * through {@link #readTx()}/{@link #concurrentReadTx()}. {@link #defrag()} and {@link #close()}
 * wait for open read transactions.
 */
public interface Backend extends AutoCloseable {
  /** The single batched write transaction. */
  BatchTx batchTx();

  /**
   * A new snapshot read transaction; the caller must close it. Same as {@link #concurrentReadTx}.
   */
  ReadTx readTx();

  /** A new snapshot read transaction that runs concurrently with the writer; close it. */
  ReadTx concurrentReadTx();

  /** Commits pending writes, then copies the committed state for streaming. */
  BackendSnapshot snapshot() throws IOException;

  /**
   * CRC-32C over every committed bucket in name order: the bucket name, then each key and value in
   * key order, skipping {@code ignores} (fact sheet §7.7 "Hash").
   */
  int hash(Set<IgnoreKey> ignores);

  /** Bytes the backend file occupies on disk. */
  long size();

  /** Bytes of pages holding data (LMDB pages in use × page size). */
  long sizeInUse();

  /** Number of read transactions currently open. */
  long openReadTxN();

  /** Number of disk commits since open. */
  long commits();

  /** Rewrites the file compactly and swaps it in; all callers wait meanwhile. */
  void defrag() throws IOException;

  /** Commits the current batch now. */
  void forceCommit();

  /** Installs the hook run inside every non-empty commit; null removes it. */
  void setPreCommitHook(PreCommitHook hook);

  /** Commits pending writes and closes the file. Idempotent. */
  @Override
  void close();
}
