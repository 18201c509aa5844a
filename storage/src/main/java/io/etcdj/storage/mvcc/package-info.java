/**
 * etcd's multi-version key-value store ({@code mvcc}): the in-memory key index, the store over the
 * backend's {@code key} and {@code meta} buckets, compaction, HashKV, and the watchable store.
 *
 * <p>Entry points for the server: {@link io.etcdj.storage.mvcc.KvStore#open(
 * io.etcdj.storage.backend.Backend, io.etcdj.storage.lease.Lessor, java.util.function.LongSupplier,
 * io.etcdj.storage.mvcc.StoreConfig)}, then {@link io.etcdj.storage.mvcc.KvStore#read()} / {@link
 * io.etcdj.storage.mvcc.KvStore#write()} transactions, {@link
 * io.etcdj.storage.mvcc.KvStore#compact(long)}, {@link
 * io.etcdj.storage.mvcc.KvStore#hashByRev(long)}, {@link
 * io.etcdj.storage.mvcc.KvStore#restore(io.etcdj.storage.backend.Backend)}. Expected failures are
 * {@link io.etcdj.storage.mvcc.MvccException}s carrying an {@link io.etcdj.storage.mvcc.MvccError}
 * with etcd's exact text.
 */
package io.etcdj.storage.mvcc;
