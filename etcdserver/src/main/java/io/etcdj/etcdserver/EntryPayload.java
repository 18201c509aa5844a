package io.etcdj.etcdserver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.Request;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import java.util.List;

/**
 * What a committed {@code EntryNormal} carries, decided as etcd's {@code applyEntryNormal} decides
 * it (wire facts §3.8): no data is the leader's empty entry of a new term; data that gogo accepts
 * as an {@code InternalRaftRequest} is a v3 request (or a wrapped v2 one when its {@code v2} field
 * is set); anything else must be a bare v2 {@code Request}.
 */
public sealed interface EntryPayload {
  /** The empty entry a new leader appends: "first commit in term". */
  record Empty() implements EntryPayload {}

  /** A v3 request. */
  record V3(InternalRaftRequest request) implements EntryPayload {
    /** The {@code Wait} key: the request's {@code ID} if set, else its header ID. */
    public long waitId() {
      return request.getID() != 0 ? request.getID() : request.getHeader().getID();
    }
  }

  /** A v2 request (publish, cluster version, QGET for /health, SYNC...), bare or wrapped. */
  record V2(Request request, boolean wrapped) implements EntryPayload {}

  /**
   * Decodes entry data.
   *
   * @throws IllegalStateException when the data is neither (etcd panics: "unmarshal should never
   *     fail")
   */
  static EntryPayload decode(ByteString data) {
    if (data.isEmpty()) {
      return new Empty();
    }
    byte[] bytes = data.toByteArray();
    if (GogoStrictCheck.check(InternalRaftRequest.getDescriptor(), bytes) == null) {
      InternalRaftRequest r;
      try {
        r = InternalRaftRequest.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        // gogo accepted what protobuf-java rejects, e.g. invalid UTF-8 in a proto3 string.
        throw new IllegalStateException("unmarshal should never fail (" + e.getMessage() + ")", e);
      }
      return r.hasV2() ? new V2(r.getV2(), true) : new V3(r);
    }
    String err = GogoStrictCheck.check(Request.getDescriptor(), bytes);
    if (err != null) {
      throw new IllegalStateException("unmarshal should never fail (" + err + ")");
    }
    try {
      return new V2(Request.parseFrom(bytes), false);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unmarshal should never fail (" + e.getMessage() + ")", e);
    }
  }

  /**
   * {@code noSideEffect}: a range or auth get changes nothing, so a member that has no waiter for
   * it need not apply it.
   */
  static boolean noSideEffect(InternalRaftRequest r) {
    return r.hasRange() || r.hasAuthUserGet() || r.hasAuthRoleGet();
  }

  /**
   * {@code removeNeedlessRangeReqs}: a txn applied only for its effects (nobody waits for it here)
   * drops the top-level range ops of both branches.
   */
  static TxnRequest removeNeedlessRangeReqs(TxnRequest txn) {
    return txn.toBuilder()
        .clearSuccess()
        .addAllSuccess(withoutRanges(txn.getSuccessList()))
        .clearFailure()
        .addAllFailure(withoutRanges(txn.getFailureList()))
        .build();
  }

  private static List<RequestOp> withoutRanges(List<RequestOp> ops) {
    return ops.stream()
        .filter(op -> op.getRequestCase() != RequestOp.RequestCase.REQUEST_RANGE)
        .toList();
  }
}
