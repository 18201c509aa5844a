package io.etcdj.etcdserver;

import io.etcdj.proto.etcdserverpb.ResponseHeader;
import java.util.function.LongSupplier;

/**
 * {@code v3rpc/header.go}: fills a response header with the cluster ID, member ID, current raft
 * term and, unless the apply already set one, the current store revision.
 *
 * <p>Thread-safe if the suppliers are.
 */
public final class ResponseHeaders {
  private final long clusterId;
  private final long memberId;
  private final LongSupplier raftTerm;
  private final LongSupplier revision;

  public ResponseHeaders(
      long clusterId, long memberId, LongSupplier raftTerm, LongSupplier revision) {
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.raftTerm = raftTerm;
    this.revision = revision;
  }

  /** {@code header.fill}: a revision of 0 is replaced by the store's current revision. */
  public ResponseHeader fill(ResponseHeader rh) {
    ResponseHeader.Builder b =
        rh.toBuilder()
            .setClusterId(clusterId)
            .setMemberId(memberId)
            .setRaftTerm(raftTerm.getAsLong());
    if (rh.getRevision() == 0) {
      b.setRevision(revision.getAsLong());
    }
    return b.build();
  }

  /** A filled header for a response that had none. */
  public ResponseHeader fresh() {
    return fill(ResponseHeader.getDefaultInstance());
  }
}
