package io.etcdj.etcdserver.v3rpc;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The KV service's request checks ({@code v3rpc/key.go}), run before a request is proposed. Each
 * returns the {@link RpcError} etcd answers with, or null when the request is acceptable.
 *
 * <p>etcd 3.4 does not validate sort order or target (an unknown value sorts as none); neither do
 * we.
 *
 * <p>Stateless; safe from any thread.
 */
public final class KeyRequests {
  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private KeyRequests() {}

  /** {@code checkRangeRequest}: the key must be set. */
  public static RpcError checkRange(RangeRequest r) {
    return r.getKey().isEmpty() ? RpcError.EMPTY_KEY : null;
  }

  /**
   * {@code checkPutRequest}: the key must be set; {@code ignore_value} forbids a value and {@code
   * ignore_lease} a lease.
   */
  public static RpcError checkPut(PutRequest r) {
    if (r.getKey().isEmpty()) {
      return RpcError.EMPTY_KEY;
    }
    if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
      return RpcError.VALUE_PROVIDED;
    }
    if (r.getIgnoreLease() && r.getLease() != 0) {
      return RpcError.LEASE_PROVIDED;
    }
    return null;
  }

  /** {@code checkDeleteRequest}: the key must be set. */
  public static RpcError checkDelete(DeleteRangeRequest r) {
    return r.getKey().isEmpty() ? RpcError.EMPTY_KEY : null;
  }

  /**
   * What the KV server's {@code Txn} checks, in etcd's order: {@code checkTxnRequest} (no branch or
   * compare list longer than {@code maxTxnOps}, nested txns sharing what is left of the budget;
   * every key set; an op with no request is {@code key not found}), then {@code checkIntervals} on
   * the success and failure branches (no key put twice or put and deleted).
   */
  public static RpcError checkTxn(TxnRequest r, int maxTxnOps) {
    RpcError e = checkTxnRequest(r, maxTxnOps);
    if (e != null) {
      return e;
    }
    try {
      checkIntervals(r.getSuccessList());
      checkIntervals(r.getFailureList());
    } catch (DuplicateKey d) {
      return RpcError.DUPLICATE_KEY;
    }
    return null;
  }

  /** {@code checkTxnRequest} alone (no overlap check). */
  static RpcError checkTxnRequest(TxnRequest r, int maxTxnOps) {
    int opc = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
    if (opc > maxTxnOps) {
      return RpcError.TOO_MANY_OPS;
    }
    for (Compare c : r.getCompareList()) {
      if (c.getKey().isEmpty()) {
        return RpcError.EMPTY_KEY;
      }
    }
    for (RequestOp u : r.getSuccessList()) {
      RpcError e = checkRequestOp(u, maxTxnOps - opc);
      if (e != null) {
        return e;
      }
    }
    for (RequestOp u : r.getFailureList()) {
      RpcError e = checkRequestOp(u, maxTxnOps - opc);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  private static RpcError checkRequestOp(RequestOp u, int maxTxnOps) {
    return switch (u.getRequestCase()) {
      case REQUEST_RANGE -> checkRange(u.getRequestRange());
      case REQUEST_PUT -> checkPut(u.getRequestPut());
      case REQUEST_DELETE_RANGE -> checkDelete(u.getRequestDeleteRange());
      case REQUEST_TXN -> checkTxnRequest(u.getRequestTxn(), maxTxnOps);
      case REQUEST_NOT_SET -> RpcError.KEY_NOT_FOUND;
    };
  }

  /**
   * A delete interval {@code [begin, end)} in etcd's "string affine" order, where an empty end is
   * +infinity; a single-key delete is {@code [key, key+"\0")}.
   */
  private record Interval(ByteString begin, ByteString end) {}

  /** Puts and deletes collected from one level of a txn. */
  private record Collected(Set<ByteString> puts, List<Interval> dels) {}

  private static final class DuplicateKey extends Exception {
    private static final long serialVersionUID = 1L;

    DuplicateKey() {
      super("duplicate key", null, false, false);
    }
  }

  /**
   * {@code checkIntervals}: puts below this level must not repeat each other (except the same key
   * in a nested txn's then and else, which are exclusive) nor fall in this level's deletes; this
   * level's puts must not repeat any put nor fall in any delete collected so far.
   */
  private static Collected checkIntervals(List<RequestOp> reqs) throws DuplicateKey {
    List<Interval> dels = new ArrayList<>();
    for (RequestOp req : reqs) {
      if (req.getRequestCase() != RequestOp.RequestCase.REQUEST_DELETE_RANGE) {
        continue;
      }
      DeleteRangeRequest d = req.getRequestDeleteRange();
      dels.add(
          d.getRangeEnd().isEmpty()
              ? new Interval(d.getKey(), d.getKey().concat(ZERO))
              : new Interval(d.getKey(), d.getRangeEnd()));
    }
    Set<ByteString> puts = new HashSet<>();
    for (RequestOp req : reqs) {
      if (req.getRequestCase() != RequestOp.RequestCase.REQUEST_TXN) {
        continue;
      }
      Collected thenSide = checkIntervals(req.getRequestTxn().getSuccessList());
      Collected elseSide = checkIntervals(req.getRequestTxn().getFailureList());
      for (ByteString k : thenSide.puts()) {
        if (puts.contains(k) || intersects(dels, k)) {
          throw new DuplicateKey();
        }
        puts.add(k);
      }
      for (ByteString k : elseSide.puts()) {
        if (puts.contains(k) && !thenSide.puts().contains(k)) {
          throw new DuplicateKey();
        }
        if (intersects(dels, k)) {
          throw new DuplicateKey();
        }
        puts.add(k);
      }
      union(dels, thenSide.dels());
      union(dels, elseSide.dels());
    }
    for (RequestOp req : reqs) {
      if (req.getRequestCase() != RequestOp.RequestCase.REQUEST_PUT) {
        continue;
      }
      ByteString k = req.getRequestPut().getKey();
      if (puts.contains(k) || intersects(dels, k)) {
        throw new DuplicateKey();
      }
      puts.add(k);
    }
    return new Collected(puts, dels);
  }

  /**
   * etcd merges a nested level's deletes with {@code Union(dels, ["\0", +inf))}, which keeps those
   * that overlap that range: all but an interval ending exactly at "\0".
   */
  private static void union(List<Interval> into, List<Interval> from) {
    Interval all = new Interval(ZERO, ByteString.EMPTY);
    for (Interval iv : from) {
      if (overlaps(all, iv)) {
        into.add(iv);
      }
    }
  }

  private static boolean intersects(List<Interval> dels, ByteString key) {
    Interval point = new Interval(key, key.concat(ZERO));
    for (Interval d : dels) {
      if (overlaps(point, d)) {
        return true;
      }
    }
    return false;
  }

  /** {@code adt.Interval.Compare(...) == 0}. */
  private static boolean overlaps(Interval a, Interval b) {
    if (affine(a.begin(), b.begin()) < 0 && affine(a.end(), b.begin()) <= 0) {
      return false;
    }
    return affine(a.begin(), b.end()) < 0;
  }

  /** {@code StringAffineComparable.Compare}: byte order, with the empty string as +infinity. */
  private static int affine(ByteString a, ByteString b) {
    if (a.isEmpty()) {
      return b.isEmpty() ? 0 : 1;
    }
    if (b.isEmpty()) {
      return -1;
    }
    return BYTES.compare(a, b);
  }
}
