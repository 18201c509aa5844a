package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.DeleteRangeResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import io.etcdj.proto.mvccpb.KeyValue;
import io.grpc.Context;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code concurrency.Mutex}: a waiter key {@code <name>/<lease hex>} put on the session's lease;
 * the waiter whose key has the lowest create revision holds the lock, the others wait for the
 * deletion of every key created before theirs.
 *
 * <p>Not thread-safe: one request's steps use it, each after the last has completed.
 */
public final class Mutex {
  private static final ByteString SLASH = ByteString.copyFromUtf8("/");

  private final V3Client client;
  private final Session session;
  private final ByteString pfx;
  private ByteString myKey = ByteString.EMPTY;
  private long myRev = -1;
  private ResponseHeader hdr;

  /** {@code NewMutex(s, name)}: the waiters live under {@code name + "/"}. */
  public Mutex(V3Client client, Session session, ByteString name) {
    this.client = client;
    this.session = session;
    this.pfx = name.concat(SLASH);
  }

  /**
   * {@code Lock}: one txn that queues this session (or finds its key already queued) and reads the
   * holder; if that is not us, waits for the earlier waiters' deletion. A failed wait (the context
   * cancelled, a compaction) removes our key again, as etcd does, and fails with the wait's error.
   */
  public CompletableFuture<Void> lock(Context ctx) {
    myKey = Ops.waiterKey(pfx, session.lease());
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(Ops.createRevisionIs(myKey, 0))
            .addSuccess(Ops.put(myKey, ByteString.EMPTY, session.lease()))
            .addSuccess(Ops.get(Ops.firstCreate(pfx)))
            .addFailure(Ops.get(myKey))
            .addFailure(Ops.get(Ops.firstCreate(pfx)))
            .build();
    return client.txn(ctx, txn).thenCompose(resp -> afterQueued(ctx, resp));
  }

  private CompletableFuture<Void> afterQueued(Context ctx, TxnResponse resp) {
    myRev = resp.getHeader().getRevision();
    if (!resp.getSucceeded()) {
      myRev = resp.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
    }
    List<KeyValue> owner = resp.getResponses(1).getResponseRange().getKvsList();
    if (owner.isEmpty() || owner.get(0).getCreateRevision() == myRev) {
      hdr = resp.getHeader();
      return CompletableFuture.completedFuture(null);
    }
    return Waits.waitDeletes(client, ctx, pfx, myRev - 1)
        .handle(
            (h, err) -> {
              if (err == null) {
                hdr = h;
                return CompletableFuture.<Void>completedFuture(null);
              }
              // Release our place in the queue; the wait's error is the answer either way.
              return unlock(Context.ROOT)
                  .handle((d, uerr) -> (Void) null)
                  .thenCompose(v -> CompletableFuture.<Void>failedFuture(err));
            })
        .thenCompose(f -> f);
  }

  /** {@code Unlock}: deletes our key. */
  public CompletableFuture<DeleteRangeResponse> unlock(Context ctx) {
    return client
        .delete(ctx, myKey)
        .thenApply(
            d -> {
              myKey = ByteString.copyFrom(new byte[] {0});
              myRev = -1;
              return d;
            });
  }

  /** Our waiter key. */
  public ByteString key() {
    return myKey;
  }

  /** The header of the read or txn that found us holding the lock. */
  public ResponseHeader header() {
    return hdr;
  }
}
