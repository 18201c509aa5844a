/**
 * The storage facade an etcd server holds for its node: {@link io.etcdj.storage.node.NodeStore}
 * (backend, mvcc store with watchers, lessor and consistent index behind one open and one close),
 * {@link io.etcdj.storage.node.ApplyTxn} for applying one raft entry, and {@link
 * io.etcdj.storage.node.ReadTxn}/{@link io.etcdj.storage.node.WriteTxn} with etcd's proto range
 * conventions.
 */
package io.etcdj.storage.node;
