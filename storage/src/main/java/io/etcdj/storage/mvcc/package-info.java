/**
 * etcd's multi-version key-value store ({@code mvcc}): the in-memory key index, the store over the
 * backend's {@code key} and {@code meta} buckets, compaction, HashKV, the consistent index and the
 * watchable store.
 *
 * <p>The server does not use this package directly: {@link io.etcdj.storage.node.NodeStore} opens
 * the store, wraps it for watchers and is the only writer. {@link io.etcdj.storage.mvcc.KvStore}'s
 * own write paths are package-private because they bypass the watchers. Expected failures are
 * {@link io.etcdj.storage.mvcc.MvccException}s carrying an {@link io.etcdj.storage.mvcc.MvccError}
 * with etcd's exact text.
 */
package io.etcdj.storage.mvcc;
