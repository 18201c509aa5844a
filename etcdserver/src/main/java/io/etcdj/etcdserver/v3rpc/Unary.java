package io.etcdj.etcdserver.v3rpc;

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
