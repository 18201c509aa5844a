/**
 * etcd's write-ahead log, file-compatible with etcd 3.4 ({@code wal/}). Entry point: {@link
 * io.etcdj.storage.wal.Wal}. Owned by one thread, the server's raft loop.
 */
package io.etcdj.storage.wal;
