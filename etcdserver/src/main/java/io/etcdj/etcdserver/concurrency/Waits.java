package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.mvccpb.Event;
import io.grpc.Context;
import java.util.concurrent.CompletableFuture;

/**
 * {@code concurrency/key.go}: waiting for the deletion of the keys queued before one's own.
 *
 * <p>Stateless; each wait is a chain of calls on {@code client}, the next started when the last
 * completes, so a long queue builds no chain of futures.
 */
final class Waits {
  private Waits() {}

  /**
   * {@code waitDeletes}: until no key under {@code pfx} has a create revision at or below {@code
   * maxCreateRev}, waiting for the newest such key's deletion each time; the header of the last
   * (empty) read.
   */
  static CompletableFuture<ResponseHeader> waitDeletes(
      V3Client client, Context ctx, ByteString pfx, long maxCreateRev) {
    CompletableFuture<ResponseHeader> result = new CompletableFuture<>();
    nextDelete(client, ctx, pfx, maxCreateRev, result);
    return result;
  }

  private static void nextDelete(
      V3Client client,
      Context ctx,
      ByteString pfx,
      long maxCreateRev,
      CompletableFuture<ResponseHeader> result) {
    client
        .range(ctx, Ops.lastCreateBefore(pfx, maxCreateRev))
        .whenComplete(
            (RangeResponse resp, Throwable err) -> {
              if (err != null) {
                result.completeExceptionally(err);
                return;
              }
              if (resp.getKvsCount() == 0) {
                result.complete(resp.getHeader());
                return;
              }
              ByteString last = resp.getKvs(0).getKey();
              waitDelete(client, ctx, last, resp.getHeader().getRevision())
                  .whenComplete(
                      (v, werr) -> {
                        if (werr != null) {
                          result.completeExceptionally(werr);
                        } else {
                          nextDelete(client, ctx, pfx, maxCreateRev, result);
                        }
                      });
            });
  }

  /**
   * {@code waitDelete}: a watch on {@code key} from {@code rev} until a delete event. A watch that
   * ends without one fails with the context's error when it was cancelled, else with {@code "lost
   * watcher waiting for delete"}.
   */
  static CompletableFuture<Void> waitDelete(
      V3Client client, Context ctx, ByteString key, long rev) {
    WatchCreateRequest w =
        WatchCreateRequest.newBuilder().setKey(key).setStartRevision(rev).build();
    return client
        .watch(
            ctx,
            w,
            r -> r.getEventsList().stream().anyMatch(e -> e.getType() == Event.EventType.DELETE))
        .thenCompose(
            deleted -> {
              if (deleted) {
                return CompletableFuture.completedFuture(null);
              }
              if (ctx.isCancelled()) {
                return CompletableFuture.failedFuture(V3Client.contextError(ctx));
              }
              return CompletableFuture.failedFuture(ConcurrencyError.LOST_WATCHER.exception());
            });
  }
}
