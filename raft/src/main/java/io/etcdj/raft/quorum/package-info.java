/**
 * Majority and joint-majority arithmetic: committed index and vote outcome (etcd {@code
 * raft/quorum}). Owned by the raft state's thread.
 */
package io.etcdj.raft.quorum;
