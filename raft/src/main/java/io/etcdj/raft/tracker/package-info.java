/**
 * The leader's per-follower replication state and the membership configuration (etcd {@code
 * raft/tracker}). Mutable and owned by the raft state's thread; {@link io.etcdj.raft.Status} hands
 * out copies.
 */
package io.etcdj.raft.tracker;
