package io.etcdj.etcdserver.v3election;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcdj.etcdserver.concurrency.Election;
import io.etcdj.etcdserver.concurrency.Session;
import io.etcdj.etcdserver.concurrency.V3Client;
import io.etcdj.etcdserver.v3rpc.GrpcErrors;
import io.etcdj.etcdserver.v3rpc.Unary;
import io.etcdj.proto.v3electionpb.CampaignRequest;
import io.etcdj.proto.v3electionpb.CampaignResponse;
import io.etcdj.proto.v3electionpb.ElectionGrpc;
import io.etcdj.proto.v3electionpb.LeaderKey;
import io.etcdj.proto.v3electionpb.LeaderRequest;
import io.etcdj.proto.v3electionpb.LeaderResponse;
import io.etcdj.proto.v3electionpb.ProclaimRequest;
import io.etcdj.proto.v3electionpb.ProclaimResponse;
import io.etcdj.proto.v3electionpb.ResignRequest;
import io.etcdj.proto.v3electionpb.ResignResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The Election service ({@code etcdserver/api/v3election/election.go}): {@link Election} recipes on
 * the request's lease (a fresh 60 s lease when it is 0, as etcd's session does; Leader and Observe
 * use none), over the member's own client. Campaign and Observe last long; they complete from the
 * client's callbacks, never holding a thread.
 *
 * <p>Thread-safe and stateless.
 */
public final class ElectionServer extends ElectionGrpc.ElectionImplBase {
  /** {@code ErrMissingLeaderKey}: a plain Go error, so gRPC code UNKNOWN. */
  static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";

  /** The lease of Leader and Observe, which put nothing ({@code es.session(ctx, -1)}). */
  private static final long NO_PUT_LEASE = -1;

  private static final Executor DIRECT = MoreExecutors.directExecutor();

  private final V3Client client;

  public ElectionServer(V3Client client) {
    this.client = client;
  }

  static StatusRuntimeException missingLeaderKey() {
    return Status.UNKNOWN.withDescription(MISSING_LEADER_KEY).asRuntimeException();
  }

  @Override
  public void campaign(CampaignRequest req, StreamObserver<CampaignResponse> out) {
    Context ctx = Context.current();
    CompletableFuture<CampaignResponse> f =
        Session.open(client, ctx, req.getLease())
            .thenCompose(
                s -> {
                  Election e = Election.create(client, s, req.getName());
                  return e.campaign(ctx, req.getValue())
                      .thenApply(
                          v ->
                              CampaignResponse.newBuilder()
                                  .setHeader(e.header())
                                  .setLeader(
                                      LeaderKey.newBuilder()
                                          .setName(req.getName())
                                          .setKey(e.key())
                                          .setRev(e.rev())
                                          .setLease(s.lease()))
                                  .build());
                });
    Unary.reply(f, DIRECT, out);
  }

  @Override
  public void proclaim(ProclaimRequest req, StreamObserver<ProclaimResponse> out) {
    if (!req.hasLeader()) {
      out.onError(missingLeaderKey());
      return;
    }
    Context ctx = Context.current();
    LeaderKey l = req.getLeader();
    CompletableFuture<ProclaimResponse> f =
        Session.open(client, ctx, l.getLease())
            .thenCompose(
                s -> {
                  Election e = Election.resume(client, s, l.getName(), l.getKey(), l.getRev());
                  return e.proclaim(ctx, req.getValue())
                      .thenApply(v -> ProclaimResponse.newBuilder().setHeader(e.header()).build());
                });
    Unary.reply(f, DIRECT, out);
  }

  @Override
  public void resign(ResignRequest req, StreamObserver<ResignResponse> out) {
    if (!req.hasLeader()) {
      out.onError(missingLeaderKey());
      return;
    }
    Context ctx = Context.current();
    LeaderKey l = req.getLeader();
    CompletableFuture<ResignResponse> f =
        Session.open(client, ctx, l.getLease())
            .thenCompose(
                s -> {
                  Election e = Election.resume(client, s, l.getName(), l.getKey(), l.getRev());
                  return e.resign(ctx)
                      .thenApply(v -> ResignResponse.newBuilder().setHeader(e.header()).build());
                });
    Unary.reply(f, DIRECT, out);
  }

  @Override
  public void leader(LeaderRequest req, StreamObserver<LeaderResponse> out) {
    Context ctx = Context.current();
    Election e = Election.create(client, new Session(NO_PUT_LEASE), req.getName());
    Unary.reply(
        e.leader(ctx)
            .thenApply(
                r ->
                    LeaderResponse.newBuilder()
                        .setHeader(r.getHeader())
                        .setKv(r.getKvs(0))
                        .build()),
        DIRECT,
        out);
  }

  /**
   * Streams the leader and its changes until observing stops. etcd ends the stream with OK when the
   * recipe's channel closes (a failed read or watch) and with the context's error when the caller
   * went away.
   */
  @Override
  public void observe(LeaderRequest req, StreamObserver<LeaderResponse> out) {
    Context ctx = Context.current();
    if (out instanceof ServerCallStreamObserver<LeaderResponse> sco) {
      // Sends after a cancel are dropped instead of throwing; the recipe stops on its own.
      sco.setOnCancelHandler(() -> {});
    }
    Election e = Election.create(client, new Session(NO_PUT_LEASE), req.getName());
    e.observe(
            ctx, (h, kv) -> out.onNext(LeaderResponse.newBuilder().setHeader(h).setKv(kv).build()))
        .whenComplete(
            (v, err) -> {
              if (ctx.isCancelled()) {
                out.onError(GrpcErrors.toException(V3Client.contextError(ctx)));
              } else {
                out.onCompleted();
              }
            });
  }
}
