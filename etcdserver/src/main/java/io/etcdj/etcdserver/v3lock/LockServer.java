package io.etcdj.etcdserver.v3lock;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcdj.etcdserver.concurrency.Mutex;
import io.etcdj.etcdserver.concurrency.Session;
import io.etcdj.etcdserver.concurrency.V3Client;
import io.etcdj.etcdserver.v3rpc.Unary;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.etcdj.proto.v3lockpb.LockRequest;
import io.etcdj.proto.v3lockpb.LockResponse;
import io.etcdj.proto.v3lockpb.UnlockRequest;
import io.etcdj.proto.v3lockpb.UnlockResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * The Lock service ({@code etcdserver/api/v3lock/lock.go}): a {@link Mutex} on the request's lease
 * (a fresh 60 s lease when it is 0), over the member's own client. Lock answers once the mutex is
 * held, which may be much later; nothing waits on a thread meanwhile: the call completes from the
 * client's callbacks. A caller that goes away cancels the wait and the waiter key is removed.
 *
 * <p>Thread-safe and stateless.
 */
public final class LockServer extends LockGrpc.LockImplBase {
  private final V3Client client;

  public LockServer(V3Client client) {
    this.client = client;
  }

  @Override
  public void lock(LockRequest req, StreamObserver<LockResponse> out) {
    Context ctx = Context.current();
    CompletableFuture<LockResponse> f =
        Session.open(client, ctx, req.getLease())
            .thenCompose(
                s -> {
                  Mutex m = new Mutex(client, s, req.getName());
                  return m.lock(ctx)
                      .thenApply(
                          v ->
                              LockResponse.newBuilder()
                                  .setHeader(m.header())
                                  .setKey(m.key())
                                  .build());
                });
    Unary.reply(f, MoreExecutors.directExecutor(), out);
  }

  @Override
  public void unlock(UnlockRequest req, StreamObserver<UnlockResponse> out) {
    Unary.reply(
        client
            .delete(Context.current(), req.getKey())
            .thenApply(d -> UnlockResponse.newBuilder().setHeader(d.getHeader()).build()),
        MoreExecutors.directExecutor(),
        out);
  }
}
