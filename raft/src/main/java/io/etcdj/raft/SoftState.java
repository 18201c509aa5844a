package io.etcdj.raft;

/**
 * Volatile state that need not be persisted: the known leader and the local role (etcd {@code
 * raft.SoftState}).
 *
 * <p>Immutable.
 */
public record SoftState(long lead, StateType raftState) {}
