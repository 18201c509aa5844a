package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.ApplyResult;
import io.etcdj.etcdserver.BackendQuota;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.ResponseHeaders;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.CompactionResponse;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeResponse;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The KV service ({@code v3rpc/key.go} over {@code etcdserver/v3_server.go}): request checks, then
 * local reads (serializable, or after a linearizable read notification) or proposals through raft;
 * headers filled with cluster, member, term and revision.
 *
 * <p>Thread-safe. Nothing runs on the calling thread but the checks: reads and replies run on the
 * store executor.
 */
final class KvServer extends KVGrpc.KVImplBase {
  private final EtcdServer server;
  private final ResponseHeaders hdr;
  private final Executor executor;

  KvServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.hdr = server.headers();
    this.executor = executor;
  }

  @Override
  public void range(RangeRequest r, StreamObserver<RangeResponse> out) {
    RpcError e = KeyRequests.checkRange(r);
    if (e != null) {
      out.onError(e.asException());
      return;
    }
    AuthContext.Caller caller = AuthContext.caller(server.store().auth());
    CompletableFuture<Void> ready =
        r.getSerializable()
            ? CompletableFuture.completedFuture(null)
            : server.linearizableReadNotify();
    Unary.reply(
        ready.thenApplyAsync(
            v -> {
              RangeResponse resp =
                  serialized(
                      caller,
                      ai -> server.store().auth().checkRange(ai, r.getKey(), r.getRangeEnd()),
                      () -> rangeNow(r));
              return resp.toBuilder().setHeader(hdr.fill(resp.getHeader())).build();
            },
            executor),
        executor,
        out);
  }

  private RangeResponse rangeNow(RangeRequest r) {
    try {
      return server.range(r);
    } catch (Exception ex) {
      throw new java.util.concurrent.CompletionException(ex);
    }
  }

  @Override
  public void put(PutRequest r, StreamObserver<PutResponse> out) {
    if (Unary.overQuota(server, BackendQuota.cost(r), executor, out)) {
      return;
    }
    RpcError e = KeyRequests.checkPut(r);
    if (e != null) {
      out.onError(e.asException());
      return;
    }
    Unary.reply(
        propose(InternalRaftRequest.newBuilder().setPut(r).build(), PutResponse.class)
            .thenApply(p -> p.toBuilder().setHeader(hdr.fill(p.getHeader())).build()),
        executor,
        out);
  }

  @Override
  public void deleteRange(DeleteRangeRequest r, StreamObserver<DeleteRangeResponse> out) {
    RpcError e = KeyRequests.checkDelete(r);
    if (e != null) {
      out.onError(e.asException());
      return;
    }
    Unary.reply(
        propose(
                InternalRaftRequest.newBuilder().setDeleteRange(r).build(),
                DeleteRangeResponse.class)
            .thenApply(p -> p.toBuilder().setHeader(hdr.fill(p.getHeader())).build()),
        executor,
        out);
  }

  @Override
  public void txn(TxnRequest r, StreamObserver<TxnResponse> out) {
    if (Unary.overQuota(server, BackendQuota.cost(r), executor, out)) {
      return;
    }
    RpcError e = KeyRequests.checkTxn(r, server.config().maxTxnOps());
    if (e != null) {
      out.onError(e.asException());
      return;
    }
    CompletableFuture<TxnResponse> f;
    if (EtcdServer.isTxnReadOnly(r)) {
      AuthContext.Caller caller = AuthContext.caller(server.store().auth());
      CompletableFuture<Void> ready =
          isTxnSerializable(r)
              ? CompletableFuture.completedFuture(null)
              : server.linearizableReadNotify();
      f =
          ready.thenApplyAsync(
              v ->
                  serialized(
                      caller,
                      ai -> AuthContext.checkTxn(server.store().auth(), ai, r),
                      () -> {
                        try {
                          return server.readOnlyTxn(r);
                        } catch (Exception ex) {
                          throw new java.util.concurrent.CompletionException(ex);
                        }
                      }),
              executor);
    } else {
      f = propose(InternalRaftRequest.newBuilder().setTxn(r).build(), TxnResponse.class);
    }
    Unary.reply(
        f.thenApply(p -> p.toBuilder().setHeader(hdr.fill(p.getHeader())).build()), executor, out);
  }

  /** {@code isTxnSerializable}: every range of the top level is serializable. */
  private static boolean isTxnSerializable(TxnRequest r) {
    for (RequestOp u : r.getSuccessList()) {
      if (u.hasRequestRange() && !u.getRequestRange().getSerializable()) {
        return false;
      }
    }
    for (RequestOp u : r.getFailureList()) {
      if (u.hasRequestRange() && !u.getRequestRange().getSerializable()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void compact(CompactionRequest r, StreamObserver<CompactionResponse> out) {
    CompletableFuture<CompactionResponse> f =
        AuthContext.propose(server, InternalRaftRequest.newBuilder().setCompaction(r).build())
            .thenComposeAsync(
                ar -> {
                  if (ar.error() != null) {
                    return CompletableFuture.failedFuture(ar.error());
                  }
                  CompletableFuture<Void> phys =
                      r.getPhysical() && ar.physical() != null
                          ? ar.physical()
                              .thenRunAsync(() -> server.store().backend().forceCommit(), executor)
                          : CompletableFuture.completedFuture(null);
                  return phys.thenApply(
                      v -> {
                        CompactionResponse c = (CompactionResponse) ar.response();
                        return c.toBuilder()
                            .setHeader(
                                hdr.fill(
                                    c.getHeader().toBuilder()
                                        .setRevision(server.store().rev())
                                        .build()))
                            .build();
                      });
                },
                executor);
    Unary.reply(f, executor, out);
  }

  /** {@code doSerialize}: the caller's check, the read, then the auth revision check. */
  private <T> T serialized(
      AuthContext.Caller caller, AuthContext.Check check, java.util.function.Supplier<T> read) {
    try {
      io.etcdj.storage.auth.AuthInfo ai = caller.orNone();
      check.check(ai);
      T v = read.get();
      AuthContext.checkRevisionAfterRead(server.store().auth(), ai);
      return v;
    } catch (io.etcdj.storage.auth.AuthException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private <T> CompletableFuture<T> propose(InternalRaftRequest r, Class<T> type) {
    return AuthContext.propose(server, r).thenCompose(ar -> unwrap(ar, type));
  }

  static <T> CompletableFuture<T> unwrap(ApplyResult ar, Class<T> type) {
    if (ar.error() != null) {
      return CompletableFuture.failedFuture(ar.error());
    }
    return CompletableFuture.completedFuture(type.cast(ar.response()));
  }
}
