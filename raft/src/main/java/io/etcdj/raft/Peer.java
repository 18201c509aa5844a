package io.etcdj.raft;

import com.google.protobuf.ByteString;

/**
 * A member of the initial configuration for {@link RawNode#bootstrap}; {@code context} is carried
 * in the bootstrap ConfChange (etcd puts the member's JSON there).
 *
 * <p>Immutable.
 */
public record Peer(long id, ByteString context) {
  public Peer(long id) {
    this(id, ByteString.EMPTY);
  }
}
