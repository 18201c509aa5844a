package io.etcdj.etcdserver;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.membership.Member.Attributes;
import io.etcdj.etcdserver.membership.MemberJson;
import io.etcdj.etcdserver.membership.MembershipKeys;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.Request;
import io.etcdj.proto.etcdserverpb.RequestHeader;

/**
 * The proposal side of a raft request ({@code v3_server.go processInternalRaftRequestOnce}, {@code
 * server.go publish} and {@code updateClusterVersion}): the header and request ID wiring, the
 * apply-lag and size limits, and the exact bare v2 requests Go members expect.
 *
 * <p>Stateless; safe from any thread.
 */
public final class RaftRequests {
  /** {@code maxGapBetweenApplyAndCommitIndex}. */
  public static final long MAX_GAP_BETWEEN_APPLY_AND_COMMIT_INDEX = 5000;

  /** {@code --max-request-bytes} default: 1.5 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;

  /** {@code recommendedMaxRequestBytes}: above this etcd logs a warning at start. */
  public static final long RECOMMENDED_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

  /** {@code --max-txn-ops} default. */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  private RaftRequests() {}

  /** A marshaled proposal and the ID its proposer waits on. */
  public record Proposal(long waitId, ByteString data) {}

  /**
   * Refuses new proposals while the apply loop lags the commit index by more than {@link
   * #MAX_GAP_BETWEEN_APPLY_AND_COMMIT_INDEX}.
   */
  public static void checkApplyLag(long committedIndex, long appliedIndex)
      throws EtcdServerException {
    if (committedIndex > appliedIndex + MAX_GAP_BETWEEN_APPLY_AND_COMMIT_INDEX) {
      throw ServerError.TOO_MANY_REQUESTS.exception();
    }
  }

  /**
   * Sets the header ({@code ID} from the request ID generator; user name and auth revision when
   * auth is on, else pass "" and 0), marshals, and enforces {@code --max-request-bytes}.
   *
   * @throws EtcdServerException {@code etcdserver: request is too large}
   */
  public static Proposal prepare(
      InternalRaftRequest request,
      long headerId,
      String username,
      long authRevision,
      long maxRequestBytes)
      throws EtcdServerException {
    InternalRaftRequest r =
        request.toBuilder()
            .setHeader(
                RequestHeader.newBuilder()
                    .setID(headerId)
                    .setUsername(username)
                    .setAuthRevision(authRevision))
            .build();
    ByteString data = r.toByteString();
    if (data.size() > maxRequestBytes) {
      throw ServerError.REQUEST_TOO_LARGE.exception();
    }
    long waitId = r.getID() != 0 ? r.getID() : headerId;
    return new Proposal(waitId, data);
  }

  /**
   * The publish request: {@code PUT /0/members/<hex>/attributes} with the attributes JSON, as a
   * bare v2 {@code Request} (wire facts §3.6). Every non-nullable field is set so the bytes equal
   * gogo's.
   */
  public static Request publish(long requestId, long memberId, Attributes attributes) {
    return v2Put(requestId, MembershipKeys.attributesPath(memberId), MemberJson.encode(attributes));
  }

  /** The cluster version proposal: {@code PUT /0/version} = {@code "3.4.0"} (wire facts §3.7). */
  public static Request clusterVersion(long requestId, String version) {
    return v2Put(requestId, MembershipKeys.STORE_CLUSTER_VERSION_KEY, version);
  }

  private static Request v2Put(long id, String path, String val) {
    return Request.newBuilder()
        .setID(id)
        .setMethod("PUT")
        .setPath(path)
        .setVal(val)
        .setDir(false)
        .setPrevValue("")
        .setPrevIndex(0)
        .setExpiration(0)
        .setWait(false)
        .setSince(0)
        .setRecursive(false)
        .setSorted(false)
        .setQuorum(false)
        .setTime(0)
        .setStream(false)
        .build();
  }
}
