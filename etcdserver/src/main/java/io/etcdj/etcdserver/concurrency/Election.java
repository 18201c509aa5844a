package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.grpc.Context;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * {@code concurrency.Election}: candidates put {@code <name>/<lease hex>} with their value on their
 * session's lease; the key with the lowest create revision is the leader. Campaign waits until
 * every earlier candidate's key is gone; Proclaim and Resign act on the leader key only while its
 * create revision is still the one campaigned with.
 *
 * <p>Not thread-safe: one request's steps use it, each after the last has completed. {@link
 * #observe} calls its sink from the client's executor, one response at a time.
 */
public final class Election {
  private static final ByteString SLASH = ByteString.copyFromUtf8("/");

  private final V3Client client;
  private final Session session;
  private final ByteString keyPrefix;
  private ByteString leaderKey = ByteString.EMPTY;
  private long leaderRev;
  private Session leaderSession;
  private ResponseHeader hdr;

  private Election(V3Client client, Session session, ByteString keyPrefix) {
    this.client = client;
    this.session = session;
    this.keyPrefix = keyPrefix;
  }

  /** {@code NewElection(s, name)}: the candidates live under {@code name + "/"}. */
  public static Election create(V3Client client, Session session, ByteString name) {
    return new Election(client, session, name.concat(SLASH));
  }

  /**
   * {@code ResumeElection(s, name, key, rev)}: the leader known by its key and create revision.
   * (etcd keeps {@code name} without the slash here; Proclaim and Resign never use it.)
   */
  public static Election resume(
      V3Client client, Session session, ByteString name, ByteString leaderKey, long leaderRev) {
    Election e = new Election(client, session, name);
    e.leaderKey = leaderKey;
    e.leaderRev = leaderRev;
    e.leaderSession = session;
    return e;
  }

  /**
   * {@code Campaign}: put our key unless the session already has one (whose value is proclaimed
   * when it differs), then wait for the earlier candidates' deletion. On a failed wait a cancelled
   * campaign resigns; otherwise the key stays and this election forgets it leads.
   */
  public CompletableFuture<Void> campaign(Context ctx, ByteString val) {
    ByteString k = Ops.waiterKey(keyPrefix, session.lease());
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(Ops.createRevisionIs(k, 0))
            .addSuccess(Ops.put(k, val, session.lease()))
            .addFailure(Ops.get(k))
            .build();
    return client.txn(ctx, txn).thenCompose(resp -> afterPut(ctx, val, k, resp));
  }

  private CompletableFuture<Void> afterPut(
      Context ctx, ByteString val, ByteString k, TxnResponse resp) {
    leaderKey = k;
    leaderRev = resp.getHeader().getRevision();
    leaderSession = session;
    CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
    if (!resp.getSucceeded()) {
      KeyValue kv = resp.getResponses(0).getResponseRange().getKvs(0);
      leaderRev = kv.getCreateRevision();
      if (!kv.getValue().equals(val)) {
        ready =
            proclaim(ctx, val)
                .handle(
                    (v, err) ->
                        err == null
                            ? CompletableFuture.<Void>completedFuture(null)
                            : resign(ctx)
                                .handle((r, rerr) -> (Void) null)
                                .thenCompose(r -> CompletableFuture.<Void>failedFuture(err)))
                .thenCompose(f -> f);
      }
    }
    return ready
        .thenCompose(v -> Waits.waitDeletes(client, ctx, keyPrefix, leaderRev - 1))
        .handle(
            (h, err) -> {
              if (err == null) {
                hdr = resp.getHeader();
                return CompletableFuture.<Void>completedFuture(null);
              }
              if (ctx.isCancelled()) {
                return resign(Context.ROOT)
                    .handle((r, rerr) -> (Void) null)
                    .thenCompose(r -> CompletableFuture.<Void>failedFuture(err));
              }
              leaderSession = null;
              return CompletableFuture.<Void>failedFuture(err);
            })
        .thenCompose(f -> f);
  }

  /**
   * {@code Proclaim}: a new value on the leader key, if we still lead ({@code "election: not
   * leader"}).
   */
  public CompletableFuture<Void> proclaim(Context ctx, ByteString val) {
    if (leaderSession == null) {
      return CompletableFuture.failedFuture(ConcurrencyError.ELECTION_NOT_LEADER.exception());
    }
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(Ops.createRevisionIs(leaderKey, leaderRev))
            .addSuccess(Ops.put(leaderKey, val, leaderSession.lease()))
            .build();
    return client
        .txn(ctx, txn)
        .thenCompose(
            t -> {
              if (!t.getSucceeded()) {
                leaderKey = ByteString.EMPTY;
                return CompletableFuture.failedFuture(
                    ConcurrencyError.ELECTION_NOT_LEADER.exception());
              }
              hdr = t.getHeader();
              return CompletableFuture.completedFuture(null);
            });
  }

  /**
   * {@code Resign}: deletes the leader key if we still lead; succeeds (with the txn's header)
   * either way.
   */
  public CompletableFuture<Void> resign(Context ctx) {
    if (leaderSession == null) {
      return CompletableFuture.completedFuture(null);
    }
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(Ops.createRevisionIs(leaderKey, leaderRev))
            .addSuccess(Ops.delete(leaderKey))
            .build();
    CompletableFuture<TxnResponse> f = client.txn(ctx, txn);
    leaderKey = ByteString.EMPTY;
    leaderSession = null;
    return f.thenAccept(t -> hdr = t.getHeader());
  }

  /** {@code Leader}: the oldest candidate's key ({@code "election: no leader"} if none). */
  public CompletableFuture<RangeResponse> leader(Context ctx) {
    return client
        .range(ctx, Ops.firstCreate(keyPrefix))
        .thenCompose(
            r ->
                r.getKvsCount() == 0
                    ? CompletableFuture.failedFuture(
                        ConcurrencyError.ELECTION_NO_LEADER.exception())
                    : CompletableFuture.completedFuture(r));
  }

  /**
   * {@code Observe}: the leader now (or, with none, the first candidate to appear) and then each
   * change of its value, until its key is deleted; then the next leader, and so on. Every response
   * goes to {@code sink}. The future completes, never exceptionally, when observing stops: a failed
   * read or watch, or {@code ctx} cancelled.
   */
  public CompletableFuture<Void> observe(Context ctx, BiConsumer<ResponseHeader, KeyValue> sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    new Observer(ctx, sink, done).nextLeader();
    return done;
  }

  /** One observation's loop; each step starts when the last completes. */
  private final class Observer {
    private final Context ctx;
    private final BiConsumer<ResponseHeader, KeyValue> sink;
    private final CompletableFuture<Void> done;
    private ResponseHeader firstHdr; // set by the first-put watch's handler
    private KeyValue firstKv;

    Observer(Context ctx, BiConsumer<ResponseHeader, KeyValue> sink, CompletableFuture<Void> done) {
      this.ctx = ctx;
      this.sink = sink;
      this.done = done;
    }

    void nextLeader() {
      client
          .range(ctx, Ops.firstCreate(keyPrefix))
          .whenComplete(
              (resp, err) -> {
                if (err != null) {
                  done.complete(null);
                } else if (resp.getKvsCount() == 0) {
                  awaitFirstPut(resp.getHeader().getRevision());
                } else {
                  announce(resp.getHeader(), resp.getKvs(0));
                }
              });
    }

    /** No leader: the first put under the prefix (a delete would only spin the loop). */
    private void awaitFirstPut(long rev) {
      WatchCreateRequest w =
          WatchCreateRequest.newBuilder()
              .setKey(keyPrefix)
              .setRangeEnd(Ops.prefixEnd(keyPrefix))
              .setStartRevision(rev)
              .build();
      client
          .watch(
              ctx,
              w,
              r -> {
                for (Event ev : r.getEventsList()) {
                  if (ev.getType() == Event.EventType.PUT) {
                    firstKv = ev.getKv();
                    // One response may hold several puts: the header names this one's revision.
                    firstHdr =
                        r.getHeader().toBuilder().setRevision(firstKv.getModRevision()).build();
                    return true;
                  }
                }
                return false;
              })
          .whenComplete(
              (found, err) -> {
                if (err != null || !found) {
                  done.complete(null);
                } else {
                  announce(firstHdr, firstKv);
                }
              });
    }

    /** Sends the leader, then its value changes until its key is deleted. */
    private void announce(ResponseHeader h, KeyValue kv) {
      if (ctx.isCancelled()) {
        done.complete(null);
        return;
      }
      sink.accept(h, kv);
      WatchCreateRequest w =
          WatchCreateRequest.newBuilder()
              .setKey(kv.getKey())
              .setStartRevision(h.getRevision() + 1)
              .build();
      client
          .watch(
              ctx,
              w,
              r -> {
                for (Event ev : r.getEventsList()) {
                  if (ev.getType() == Event.EventType.DELETE) {
                    return true;
                  }
                  sink.accept(r.getHeader(), ev.getKv());
                }
                return false;
              })
          .whenComplete(
              (deleted, err) -> {
                if (err != null || !deleted || ctx.isCancelled()) {
                  done.complete(null);
                } else {
                  nextLeader();
                }
              });
    }
  }

  /** Our leader key, empty when we do not lead. */
  public ByteString key() {
    return leaderKey;
  }

  /** The create revision of our leader key. */
  public long rev() {
    return leaderRev;
  }

  /** The header of the last call that changed what we know. */
  public ResponseHeader header() {
    return hdr;
  }
}
