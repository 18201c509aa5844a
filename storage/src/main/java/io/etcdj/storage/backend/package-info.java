/**
 * The storage backend: etcd's {@code mvcc/backend} (bbolt) played by LMDB through lmdbjava.
 *
 * <p>Entry points: {@link io.etcdj.storage.backend.LmdbBackend#open} with a {@link
 * io.etcdj.storage.backend.BackendConfig}; write through the single {@link
 * io.etcdj.storage.backend.BatchTx} ({@code lock()}, {@code unsafe*}, {@code unlock()}); read
 * through {@link io.etcdj.storage.backend.ReadTx} in try-with-resources. Port notes for mvcc, lease
 * and auth:
 *
 * <ul>
 *   <li>etcd's {@code tx.RLock(); ... tx.RUnlock()} on {@code ConcurrentReadTx()} becomes {@code
 *       try (ReadTx tx = backend.concurrentReadTx()) { ... }}.
 *   <li>Unlike etcd, deletes are also buffered and visible to readers before commit, and {@code
 *       unsafeRange} with a limit works on every bucket (etcd allows it only on {@code key}).
 *   <li>mvcc's {@code consistent_index}: write it from a {@link
 *       io.etcdj.storage.backend.PreCommitHook}, or per write txn as etcd 3.4 does; both land in
 *       the same disk transaction as the data.
 *   <li>The file is an LMDB file, not bbolt: snapshots are not byte-compatible with Go peers or
 *       {@code etcdctl snapshot restore}.
 * </ul>
 */
package io.etcdj.storage.backend;
