package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeResponse;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantResponse;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * The few clientv3 calls the concurrency recipes make (Txn, Range, Delete, Grant, Watch), as
 * futures over a {@link Channel} to the member's own services. etcd's v3lock and v3election servers
 * run over an in-process clientv3 ({@code v3client.New}); this is that client, so every check,
 * quota and header of the real KV, Lease and Watch services applies to the recipes too.
 *
 * <p>Each call is made in a gRPC {@link Context}: the serving call's context, so a client that goes
 * away or a deadline that passes cancels the calls it caused (etcd passes the request's {@code ctx}
 * down), or {@link Context#ROOT} for clean-ups that must outlive it ({@code client.Ctx()}).
 *
 * <p>Failures are converted as clientv3's {@code toErr} does: a status whose description is an
 * {@code ErrGRPC*} text becomes that typed error, which a Go server returns as {@code UNKNOWN} with
 * the same text (an {@code EtcdError} is not a status), so etcd's Lock answers an unknown lease
 * with code 2 "etcdserver: requested lease not found" (observed on etcd 3.4.23).
 *
 * <p>Thread-safe. Futures complete on the channel's executor; a watch handler runs there too, one
 * response at a time.
 */
public final class V3Client {
  private final Channel channel;

  public V3Client(Channel channel) {
    this.channel = channel;
  }

  public CompletableFuture<TxnResponse> txn(Context ctx, TxnRequest r) {
    return unary(ctx, KVGrpc.getTxnMethod(), r);
  }

  public CompletableFuture<RangeResponse> range(Context ctx, RangeRequest r) {
    return unary(ctx, KVGrpc.getRangeMethod(), r);
  }

  /** {@code client.Delete(ctx, key)}: one key. */
  public CompletableFuture<DeleteRangeResponse> delete(Context ctx, ByteString key) {
    return unary(
        ctx, KVGrpc.getDeleteRangeMethod(), DeleteRangeRequest.newBuilder().setKey(key).build());
  }

  /** {@code client.Grant(ctx, ttl)}: the server picks the ID. */
  public CompletableFuture<LeaseGrantResponse> grant(Context ctx, long ttl) {
    return unary(
        ctx, LeaseGrpc.getLeaseGrantMethod(), LeaseGrantRequest.newBuilder().setTTL(ttl).build());
  }

  /** Sees one watch response with events (or a progress notice); true ends the watch. */
  @FunctionalInterface
  public interface WatchHandler {
    boolean onResponse(WatchResponse r);
  }

  /**
   * {@code client.Watch(ctx, ...)} over its own stream, until {@code handler} says it is done
   * (true), the stream ends (false: the channel closed), or it fails: compaction or cancellation by
   * the server (clientv3's {@code WatchResponse.Err}), a stream error, or {@code ctx} cancelled.
   * The stream is cancelled when the future completes, which closes the server's watchers.
   */
  public CompletableFuture<Boolean> watch(
      Context ctx, WatchCreateRequest create, WatchHandler handler) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    ClientCall<WatchRequest, WatchResponse> call = newCall(ctx, WatchGrpc.getWatchMethod());
    StreamObserver<WatchRequest> requests =
        ClientCalls.asyncBidiStreamingCall(
            call,
            new StreamObserver<>() {
              @Override
              public void onNext(WatchResponse r) {
                if (done.isDone()) {
                  return;
                }
                Throwable err = watchError(r);
                if (err != null) {
                  finish(call, done, err);
                  return;
                }
                if (r.getCreated()) {
                  return;
                }
                boolean stop;
                try {
                  stop = handler.onResponse(r);
                } catch (RuntimeException e) {
                  finish(call, done, e);
                  return;
                }
                if (stop) {
                  done.complete(true);
                  call.cancel("watch done", null);
                }
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(toErr(t));
              }

              @Override
              public void onCompleted() {
                done.complete(false);
              }
            });
    requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
    return done;
  }

  private static void finish(
      ClientCall<WatchRequest, WatchResponse> call, CompletableFuture<Boolean> done, Throwable e) {
    done.completeExceptionally(e);
    call.cancel("watch failed", null);
  }

  /**
   * clientv3's {@code WatchResponse.Err}: compaction is {@code ErrCompacted}; a cancel with a
   * reason is that reason (typed when it is an etcd text); a cancel without one is {@code
   * ErrFutureRev}.
   */
  static Throwable watchError(WatchResponse r) {
    if (r.getCompactRevision() != 0) {
      return typed(RpcError.COMPACTED.description());
    }
    if (!r.getCanceled()) {
      return null;
    }
    if (r.getCancelReason().isEmpty()) {
      return typed(RpcError.FUTURE_REV.description());
    }
    return toErr(
        Status.FAILED_PRECONDITION.withDescription(r.getCancelReason()).asRuntimeException());
  }

  /**
   * clientv3's {@code toErr}: a status carrying an {@code ErrGRPC*} text becomes the typed error,
   * which a Go server sends as {@code UNKNOWN} with the text; anything else stays as it is.
   */
  static Throwable toErr(Throwable t) {
    Status s = Status.fromThrowable(t);
    String d = s.getDescription();
    if (d != null && RpcError.fromDescription(d).isPresent()) {
      return typed(d);
    }
    return t;
  }

  /** {@code ctx.Err()}: the status a cancelled context stands for. */
  public static Throwable contextError(Context ctx) {
    Throwable cause = ctx.cancellationCause();
    return cause != null
        ? Status.fromThrowable(cause).asRuntimeException()
        : Status.CANCELLED.withDescription("context canceled").asRuntimeException();
  }

  private static Throwable typed(String text) {
    return Status.UNKNOWN.withDescription(text).asRuntimeException();
  }

  private <Q, R> CompletableFuture<R> unary(Context ctx, MethodDescriptor<Q, R> method, Q req) {
    CompletableFuture<R> f = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        newCall(ctx, method),
        req,
        new StreamObserver<R>() {
          private R value; // the call's callbacks are serialised

          @Override
          public void onNext(R v) {
            value = v;
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(toErr(t));
          }

          @Override
          public void onCompleted() {
            f.complete(value);
          }
        });
    return f;
  }

  /** A call bound to {@code ctx}: it is cancelled with it and inherits its deadline. */
  private <Q, R> ClientCall<Q, R> newCall(Context ctx, MethodDescriptor<Q, R> method) {
    Context prev = ctx.attach();
    try {
      return channel.newCall(method, CallOptions.DEFAULT);
    } finally {
      ctx.detach(prev);
    }
  }
}
