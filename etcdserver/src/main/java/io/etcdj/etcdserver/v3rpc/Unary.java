package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Completes a unary call from a future or a task on the store executor, mapping every failure
 * through {@link GrpcErrors#toStatus} (etcd's {@code togRPCError}), in one place.
 *
 * <p>Stateless.
 */
public final class Unary {
  private Unary() {}

  /** Runs {@code task} on {@code executor} and answers with its value or error. */
  public static <T> void run(Executor executor, StreamObserver<T> out, Callable<T> task) {
    executor.execute(
        () -> {
          T v;
          try {
            v = task.call();
          } catch (Exception | Error e) {
            out.onError(GrpcErrors.toException(e));
            return;
          }
          out.onNext(v);
          out.onCompleted();
        });
  }

  /**
   * etcd's {@code quotaKVServer}/{@code quotaLeaseServer}: before anything else about a Put, Txn or
   * LeaseGrant, its {@code cost} must fit the backend quota. Returns false when it does; otherwise
   * answers the call with the quota check's error (after NOSPACE is raised) and returns true.
   */
  static boolean overQuota(EtcdServer server, int cost, Executor executor, StreamObserver<?> out) {
    CompletableFuture<Void> q = server.alarms().checkQuota(cost);
    if (q.isDone() && !q.isCompletedExceptionally()) {
      return false;
    }
    q.whenCompleteAsync((v, err) -> out.onError(GrpcErrors.toException(err)), executor);
    return true;
  }

  /** Answers when {@code f} completes (continuing on {@code executor}). */
  public static <T> void reply(CompletableFuture<T> f, Executor executor, StreamObserver<T> out) {
    f.whenCompleteAsync(
        (v, err) -> {
          if (err != null) {
            out.onError(GrpcErrors.toException(err));
            return;
          }
          out.onNext(v);
          out.onCompleted();
        },
        executor);
  }
}
