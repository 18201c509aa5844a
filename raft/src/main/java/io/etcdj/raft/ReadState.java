package io.etcdj.raft;

import com.google.protobuf.ByteString;

/**
 * A read-index answer: once the local state machine has applied {@code index}, the read identified
 * by {@code requestCtx} may be served (etcd {@code raft.ReadState}).
 *
 * <p>Immutable.
 */
public record ReadState(long index, ByteString requestCtx) {}
