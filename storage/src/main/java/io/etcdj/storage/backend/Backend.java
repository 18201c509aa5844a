package io.etcdj.storage.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The transactional key-value file under {@code member/snap/db} that mvcc, lease, auth and
 * membership persist into (etcd's {@code mvcc/backend.Backend}).
 *
 * <p>Threading: all methods are thread-safe and may be called from any thread. Writes go through
 * the single {@link #batchTx()}; reads through {@link #readTx()}/{@link #concurrentReadTx()}.
 * Blocking: {@link #snapshot()}, {@link #forceCommit()}, {@link #defrag()} and {@link
 * #installSnapshot(Path)} take the batch tx lock and fsync; {@link #close()} waits for open read
 * transactions and snapshots. None of them waits for readers otherwise, but map growth (inside a
 * commit) waits for the open read transactions. Never call any of them on an event loop.
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

  /**
   * Commits pending writes and pins the committed state as a point-in-time snapshot in etcdj's
   * stream format ({@link EtcdjStreamFormat}). O(1) apart from that commit, so the apply thread may
   * call it (as etcd's {@code createMergedSnapshotMessage} does); the bytes are produced by whoever
   * reads the snapshot.
   */
  BackendSnapshot snapshot() throws IOException;

  /** As {@link #snapshot()}, encoded by {@code encoder}. */
  BackendSnapshot snapshot(SnapshotEncoder encoder) throws IOException;

  /**
   * Replaces this backend's whole state with a received snapshot file ({@code <index>.snap.db} as
   * the snap package saved it, in any {@link SnapshotFormat} this backend reads), in place: this
   * object stays open and valid. Returns once the new state serves. Read transactions opened before
   * the swap finish on the old state; those opened after see the new one; none fails.
   *
   * <p>Locking: takes the batch tx lock (reentrant, so the caller may already hold it) for the
   * whole install, so writers wait; it never waits for readers. The caller (mvcc's restore) should
   * hold its store locks across this call and its own restores (lessor, then kv) so no one reads
   * the new backend through stale in-memory indexes. The pending batch is committed to the old
   * state first. On IOException (unreadable or corrupt file) nothing has changed.
   */
  void installSnapshot(Path received) throws IOException;

  /**
   * CRC-32C over every committed bucket in name order: the bucket name, then each key and value in
   * key order, skipping {@code ignores} (fact sheet §7.7 "Hash").
   */
  int hash(Set<IgnoreKey> ignores);

  /**
   * The backend's size as etcd reports it (Status {@code dbSize}) and its space quota counts it:
   * in-use plus free pages, so compaction alone does not shrink it and defrag does, as bbolt's.
   */
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

  /**
   * Registers the listener told once when a commit fails (the backend is then unusable for writes;
   * see {@link BackendFatalException}); null removes it.
   */
  void setFatalErrorListener(@Nullable FatalErrorListener listener);

  /** The latched commit failure, or null while the backend is healthy. */
  @Nullable BackendFatalException fatalError();

  /** Commits pending writes and closes the file. Idempotent. */
  @Override
  void close();
}
