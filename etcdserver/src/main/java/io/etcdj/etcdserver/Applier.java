package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.CompactionResponse;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeResponse;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.LeaseCheckpoint;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointResponse;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantResponse;
import io.etcdj.proto.etcdserverpb.LeaseRevokeResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.ResponseOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.lease.LeaseException;
import io.etcdj.storage.mvcc.MvccError;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.mvcc.RangeOptions;
import io.etcdj.storage.node.ApplyTxn;
import io.etcdj.storage.node.NodeStore;
import io.etcdj.storage.node.Range;
import io.etcdj.storage.node.ReadTxn;
import io.etcdj.storage.node.WriteTxn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * etcd's {@code applierV3backend} ({@code etcdserver/apply.go}) on a {@link NodeStore}: Put,
 * DeleteRange, Txn, Range, Compaction, LeaseGrant and LeaseRevoke with etcd's checks, response
 * revisions and error texts. Headers carry only the revision (and, for leases, what {@code
 * newHeader} fills); the gRPC layer fills cluster, member and term.
 *
 * <p>Threading: {@link #apply} on the apply thread only; {@link #range} and {@link #readOnlyTxn} on
 * any thread but an event loop (they open a read txn).
 */
final class Applier {
  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();

  private final NodeStore store;
  private final LongSupplier raftTerm;

  Applier(NodeStore store, LongSupplier raftTerm) {
    this.store = requireNonNull(store, "store");
    this.raftTerm = raftTerm;
  }

  /** Applies a v3 request of entry {@code a}; errors are results, as etcd's applier returns. */
  ApplyResult apply(ApplyTxn a, InternalRaftRequest r) {
    try {
      if (r.hasRange()) {
        try (ReadTxn t = store.read()) {
          return ApplyResult.of(range(t, r.getRange()));
        }
      }
      if (r.hasPut()) {
        return ApplyResult.of(put(a, r.getPut()));
      }
      if (r.hasDeleteRange()) {
        return ApplyResult.of(deleteRange(a.txn(), r.getDeleteRange()));
      }
      if (r.hasTxn()) {
        return ApplyResult.of(txn(a, r.getTxn()));
      }
      if (r.hasCompaction()) {
        return compaction(a, r.getCompaction());
      }
      if (r.hasLeaseGrant()) {
        return ApplyResult.of(leaseGrant(a, r.getLeaseGrant()));
      }
      if (r.hasLeaseRevoke()) {
        a.revokeLease(r.getLeaseRevoke().getID());
        return ApplyResult.of(LeaseRevokeResponse.newBuilder().setHeader(newHeader()).build());
      }
      if (r.hasLeaseCheckpoint()) {
        return leaseCheckpoint(a, r.getLeaseCheckpoint());
      }
      return ApplyResult.failed(ServerError.UNKNOWN_METHOD.exception());
    } catch (MvccException | LeaseException | EtcdServerException e) {
      return ApplyResult.failed(e);
    }
  }

  private ResponseHeader newHeader() {
    return ResponseHeader.newBuilder()
        .setRevision(store.rev())
        .setRaftTerm(raftTerm.getAsLong())
        .build();
  }

  private PutResponse put(ApplyTxn a, PutRequest p)
      throws LeaseException, EtcdServerException, MvccException {
    if (p.getLease() != 0 && store.lessor().lookup(p.getLease()) == null) {
      throw new LeaseException(LeaseException.Reason.LEASE_NOT_FOUND);
    }
    return put(a.txn(), p);
  }

  private PutResponse put(WriteTxn txn, PutRequest p) throws EtcdServerException, MvccException {
    PutResponse.Builder resp = PutResponse.newBuilder();
    ByteString val = p.getValue();
    long lease = p.getLease();
    Range rr = null;
    if (p.getIgnoreValue() || p.getIgnoreLease() || p.getPrevKv()) {
      rr = txn.range(p.getKey(), ByteString.EMPTY, RangeOptions.DEFAULT);
    }
    if (p.getIgnoreValue() || p.getIgnoreLease()) {
      if (rr == null || rr.kvs().isEmpty()) {
        throw ServerError.KEY_NOT_FOUND.exception();
      }
    }
    if (p.getIgnoreValue()) {
      val = rr.kvs().get(0).getValue();
    }
    if (p.getIgnoreLease()) {
      lease = rr.kvs().get(0).getLease();
    }
    if (p.getPrevKv() && rr != null && !rr.kvs().isEmpty()) {
      resp.setPrevKv(rr.kvs().get(0));
    }
    long rev = txn.put(p.getKey(), val, lease);
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  private static DeleteRangeResponse deleteRange(WriteTxn txn, DeleteRangeRequest dr)
      throws MvccException {
    DeleteRangeResponse.Builder resp = DeleteRangeResponse.newBuilder();
    if (dr.getPrevKv()) {
      resp.addAllPrevKvs(txn.range(dr.getKey(), dr.getRangeEnd(), RangeOptions.DEFAULT).kvs());
    }
    long deleted = txn.deleteRange(dr.getKey(), dr.getRangeEnd());
    return resp.setDeleted(deleted)
        .setHeader(ResponseHeader.newBuilder().setRevision(txn.headerRevision()))
        .build();
  }

  /** {@code applierV3backend.Range} on an open txn. */
  static RangeResponse range(ReadTxn txn, RangeRequest r) throws MvccException {
    boolean postFilter =
        r.getSortOrder() != RangeRequest.SortOrder.NONE
            || r.getMinModRevision() != 0
            || r.getMaxModRevision() != 0
            || r.getMinCreateRevision() != 0
            || r.getMaxCreateRevision() != 0;
    long limit = postFilter ? 0 : r.getLimit();
    Range rr =
        txn.range(
            r.getKey(),
            r.getRangeEnd(),
            new RangeOptions(limit, r.getRevision(), r.getCountOnly()));
    List<KeyValue> kvs = new ArrayList<>(rr.kvs());
    if (r.getMaxModRevision() != 0) {
      prune(kvs, kv -> kv.getModRevision() > r.getMaxModRevision());
    }
    if (r.getMinModRevision() != 0) {
      prune(kvs, kv -> kv.getModRevision() < r.getMinModRevision());
    }
    if (r.getMaxCreateRevision() != 0) {
      prune(kvs, kv -> kv.getCreateRevision() > r.getMaxCreateRevision());
    }
    if (r.getMinCreateRevision() != 0) {
      prune(kvs, kv -> kv.getCreateRevision() < r.getMinCreateRevision());
    }
    RangeRequest.SortOrder order = r.getSortOrder();
    if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
      // The store returns key order; another target without an order sorts ascending (etcd).
      order = RangeRequest.SortOrder.ASCEND;
    }
    if (order == RangeRequest.SortOrder.ASCEND || order == RangeRequest.SortOrder.DESCEND) {
      Comparator<KeyValue> c = sorter(r.getSortTarget());
      kvs.sort(order == RangeRequest.SortOrder.DESCEND ? c.reversed() : c);
    }
    boolean more = rr.more();
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
      more = true;
    }
    RangeResponse.Builder resp =
        RangeResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setRevision(rr.rev()))
            .setCount(rr.count())
            .setMore(more);
    for (KeyValue kv : kvs) {
      resp.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return resp.build();
  }

  private static Comparator<KeyValue> sorter(RangeRequest.SortTarget t) {
    Comparator<KeyValue> byKey = (a, b) -> BYTES.compare(a.getKey(), b.getKey());
    return switch (t) {
      case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
      case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
      case VALUE -> (a, b) -> BYTES.compare(a.getValue(), b.getValue());
      default -> byKey;
    };
  }

  private static void prune(List<KeyValue> kvs, Predicate<KeyValue> prunable) {
    kvs.removeIf(prunable);
  }

  /** {@code isTxnReadonly}: every op, nested too, is a range. */
  static boolean isReadOnly(TxnRequest r) {
    for (RequestOp op : r.getSuccessList()) {
      if (!isReadOnly(op)) {
        return false;
      }
    }
    for (RequestOp op : r.getFailureList()) {
      if (!isReadOnly(op)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isReadOnly(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE -> true;
      case REQUEST_TXN -> isReadOnly(op.getRequestTxn());
      default -> false;
    };
  }

  /** A read-only txn served locally (etcd applies it with {@code applyV3Base.Txn}, no raft). */
  TxnResponse readOnlyTxn(TxnRequest rt) throws MvccException {
    try (ReadTxn t = store.read()) {
      List<Boolean> path = new ArrayList<>();
      compareToPath(t, rt, path);
      checkRanges(t, rt, path, new int[] {0});
      TxnResponse.Builder resp = TxnResponse.newBuilder();
      applyTxn(t, null, rt, path, new int[] {0}, resp);
      return resp.setHeader(ResponseHeader.newBuilder().setRevision(t.rev())).build();
    } catch (EtcdServerException e) {
      throw new IllegalStateException("unexpected error during txn", e);
    }
  }

  private TxnResponse txn(ApplyTxn a, TxnRequest rt)
      throws MvccException, LeaseException, EtcdServerException {
    WriteTxn t = a.txn();
    List<Boolean> path = new ArrayList<>();
    compareToPath(t, rt, path);
    checkPuts(t, rt, path, new int[] {0});
    checkRanges(t, rt, path, new int[] {0});
    TxnResponse.Builder resp = TxnResponse.newBuilder();
    applyTxn(t, t, rt, path, new int[] {0}, resp);
    long rev = t.headerRevision();
    t.end();
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  /** {@code compareToPath}: the branch taken by this txn and each nested one, depth first. */
  private static void compareToPath(ReadTxn t, TxnRequest rt, List<Boolean> path)
      throws MvccException {
    boolean ok = applyCompares(t, rt.getCompareList());
    path.add(ok);
    for (RequestOp op : ok ? rt.getSuccessList() : rt.getFailureList()) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) {
        compareToPath(t, op.getRequestTxn(), path);
      }
    }
  }

  private static boolean applyCompares(ReadTxn t, List<Compare> cmps) {
    for (Compare c : cmps) {
      if (!applyCompare(t, c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean applyCompare(ReadTxn t, Compare c) {
    Range rr;
    try {
      rr = t.range(c.getKey(), c.getRangeEnd(), RangeOptions.DEFAULT);
    } catch (MvccException e) {
      return false;
    }
    if (rr.kvs().isEmpty()) {
      if (c.getTarget() == Compare.CompareTarget.VALUE) {
        return false;
      }
      return compareKv(c, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : rr.kvs()) {
      if (!compareKv(c, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean compareKv(Compare c, KeyValue kv) {
    int result =
        switch (c.getTarget()) {
          case VALUE -> BYTES.compare(kv.getValue(), c.getValue());
          case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
          case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
          case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
          case LEASE -> Long.compare(kv.getLease(), c.getLease());
          default -> 0;
        };
    return switch (c.getResult()) {
      case EQUAL -> result == 0;
      case NOT_EQUAL -> result != 0;
      case GREATER -> result > 0;
      case LESS -> result < 0;
      default -> true;
    };
  }

  private static List<RequestOp> branch(TxnRequest rt, List<Boolean> path, int[] pos) {
    return path.get(pos[0]) ? rt.getSuccessList() : rt.getFailureList();
  }

  /** {@code checkRequests(..., checkRequestPut)}: taken-branch puts need their key and lease. */
  private void checkPuts(ReadTxn t, TxnRequest rt, List<Boolean> path, int[] pos)
      throws MvccException, LeaseException, EtcdServerException {
    List<RequestOp> reqs = branch(rt, path, pos);
    for (RequestOp op : reqs) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) {
        pos[0]++;
        checkPuts(t, op.getRequestTxn(), path, pos);
        continue;
      }
      if (op.getRequestCase() != RequestOp.RequestCase.REQUEST_PUT) {
        continue;
      }
      PutRequest p = op.getRequestPut();
      if (p.getIgnoreValue() || p.getIgnoreLease()) {
        if (t.range(p.getKey(), ByteString.EMPTY, RangeOptions.DEFAULT).kvs().isEmpty()) {
          throw ServerError.KEY_NOT_FOUND.exception();
        }
      }
      if (p.getLease() != 0 && store.lessor().lookup(p.getLease()) == null) {
        throw new LeaseException(LeaseException.Reason.LEASE_NOT_FOUND);
      }
    }
  }

  /** {@code checkRequests(..., checkRequestRange)}: taken-branch ranges at a readable revision. */
  private static void checkRanges(ReadTxn t, TxnRequest rt, List<Boolean> path, int[] pos)
      throws MvccException {
    List<RequestOp> reqs = branch(rt, path, pos);
    for (RequestOp op : reqs) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) {
        pos[0]++;
        checkRanges(t, op.getRequestTxn(), path, pos);
        continue;
      }
      if (op.getRequestCase() != RequestOp.RequestCase.REQUEST_RANGE) {
        continue;
      }
      long rev = op.getRequestRange().getRevision();
      if (rev == 0) {
        continue;
      }
      if (rev > t.rev()) {
        throw new MvccException(MvccError.FUTURE_REV);
      }
      if (rev < t.compactRev()) {
        throw new MvccException(MvccError.COMPACTED);
      }
    }
  }

  /** {@code applyTxn}: runs the taken branch; {@code w} is null for a read-only txn. */
  private void applyTxn(
      ReadTxn t, WriteTxn w, TxnRequest rt, List<Boolean> path, int[] pos, TxnResponse.Builder resp)
      throws MvccException, EtcdServerException {
    boolean ok = path.get(pos[0]);
    resp.setSucceeded(ok);
    for (RequestOp op : ok ? rt.getSuccessList() : rt.getFailureList()) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE ->
            resp.addResponses(
                ResponseOp.newBuilder().setResponseRange(range(t, op.getRequestRange())));
        case REQUEST_PUT ->
            resp.addResponses(ResponseOp.newBuilder().setResponsePut(put(w, op.getRequestPut())));
        case REQUEST_DELETE_RANGE ->
            resp.addResponses(
                ResponseOp.newBuilder()
                    .setResponseDeleteRange(deleteRange(w, op.getRequestDeleteRange())));
        case REQUEST_TXN -> {
          pos[0]++;
          TxnResponse.Builder nested =
              TxnResponse.newBuilder().setHeader(ResponseHeader.newBuilder());
          applyTxn(t, w, op.getRequestTxn(), path, pos, nested);
          resp.addResponses(ResponseOp.newBuilder().setResponseTxn(nested));
        }
        case REQUEST_NOT_SET -> resp.addResponses(ResponseOp.getDefaultInstance());
      }
    }
  }

  private ApplyResult compaction(ApplyTxn a, CompactionRequest c) throws MvccException {
    CompletableFuture<Void> physc = a.compact(c.getRevision());
    CompactionResponse resp =
        CompactionResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setRevision(store.rev()))
            .build();
    return new ApplyResult(resp, null, physc);
  }

  private LeaseGrantResponse leaseGrant(ApplyTxn a, LeaseGrantRequest lc) throws LeaseException {
    Lease l = a.grantLease(lc.getID(), lc.getTTL());
    return LeaseGrantResponse.newBuilder()
        .setID(l.id())
        .setTTL(l.ttl())
        .setHeader(newHeader())
        .build();
  }

  /** {@code applierV3backend.LeaseCheckpoint}: the first unknown lease's error stops it. */
  private ApplyResult leaseCheckpoint(ApplyTxn a, LeaseCheckpointRequest lc) {
    for (LeaseCheckpoint c : lc.getCheckpointsList()) {
      try {
        a.checkpointLease(c.getID(), c.getRemainingTTL());
      } catch (LeaseException e) {
        return new ApplyResult(
            LeaseCheckpointResponse.newBuilder().setHeader(newHeader()).build(), e, null);
      }
    }
    return ApplyResult.of(LeaseCheckpointResponse.newBuilder().setHeader(newHeader()).build());
  }
}
