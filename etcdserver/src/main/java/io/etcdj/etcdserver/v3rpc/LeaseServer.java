package io.etcdj.etcdserver.v3rpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcdj.etcdserver.BackendQuota;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.ResponseHeaders;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantResponse;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.proto.etcdserverpb.LeaseLeasesRequest;
import io.etcdj.proto.etcdserverpb.LeaseLeasesResponse;
import io.etcdj.proto.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.proto.etcdserverpb.LeaseRevokeResponse;
import io.etcdj.proto.etcdserverpb.LeaseStatus;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.lease.LeaseException;
import io.etcdj.storage.lease.LeaseKeys;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * The Lease service ({@code v3rpc/lease.go} over {@code v3_server.go}): grants and revokes go
 * through raft; keep-alives renew on the leader's lessor; TimeToLive and Leases read it.
 *
 * <p>Thread-safe. Renewals can wait for an expired lease's revoke, so they run on the store
 * executor, one stream's renewals in order.
 */
final class LeaseServer extends LeaseGrpc.LeaseImplBase {
  private final EtcdServer server;
  private final ResponseHeaders hdr;
  private final Executor executor;

  LeaseServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.hdr = server.headers();
    this.executor = executor;
  }

  @Override
  public void leaseGrant(LeaseGrantRequest r, StreamObserver<LeaseGrantResponse> out) {
    if (Unary.overQuota(server, BackendQuota.cost(r), executor, out)) {
      return;
    }
    LeaseGrantRequest req = r;
    // etcd: a lease ID of 0 asks the server to pick one (positive, from the request IDs).
    while (req.getID() == 0) {
      req = req.toBuilder().setID(server.nextId() & Long.MAX_VALUE).build();
    }
    Unary.reply(
        AuthContext.propose(server, InternalRaftRequest.newBuilder().setLeaseGrant(req).build())
            .thenCompose(ar -> KvServer.unwrap(ar, LeaseGrantResponse.class))
            .thenApply(p -> p.toBuilder().setHeader(hdr.fill(p.getHeader())).build()),
        executor,
        out);
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest r, StreamObserver<LeaseRevokeResponse> out) {
    Unary.reply(
        AuthContext.propose(server, InternalRaftRequest.newBuilder().setLeaseRevoke(r).build())
            .thenCompose(ar -> KvServer.unwrap(ar, LeaseRevokeResponse.class))
            .thenApply(p -> p.toBuilder().setHeader(hdr.fill(p.getHeader())).build()),
        executor,
        out);
  }

  @Override
  public void leaseTimeToLive(
      LeaseTimeToLiveRequest r, StreamObserver<LeaseTimeToLiveResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          Lease l = server.store().lessor().lookup(r.getID());
          if (l == null) {
            // etcd answers an unknown lease with TTL -1, not an error.
            return LeaseTimeToLiveResponse.newBuilder()
                .setHeader(hdr.fresh())
                .setID(r.getID())
                .setTTL(-1)
                .build();
          }
          LeaseTimeToLiveResponse.Builder b =
              LeaseTimeToLiveResponse.newBuilder()
                  .setHeader(hdr.fresh())
                  .setID(l.id())
                  .setTTL(l.remaining().getSeconds())
                  .setGrantedTTL(l.ttl());
          if (r.getKeys()) {
            for (String k : l.keys()) {
              b.addKeys(com.google.protobuf.ByteString.copyFrom(LeaseKeys.bytes(k)));
            }
          }
          return b.build();
        });
  }

  @Override
  public void leaseLeases(LeaseLeasesRequest r, StreamObserver<LeaseLeasesResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder().setHeader(hdr.fresh());
          for (Lease l : server.store().lessor().leases()) {
            b.addLeases(LeaseStatus.newBuilder().setID(l.id()));
          }
          return b.build();
        });
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> out) {
    Executor serial = MoreExecutors.newSequentialExecutor(executor);
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveRequest req) {
        serial.execute(
            () -> {
              long ttl;
              try {
                ttl = server.store().lessor().renew(req.getID());
              } catch (LeaseException e) {
                if (e.reason() != LeaseException.Reason.LEASE_NOT_FOUND) {
                  out.onError(GrpcErrors.toException(e));
                  return;
                }
                ttl = 0; // etcd: an unknown lease answers TTL 0
              } catch (RuntimeException e) {
                out.onError(GrpcErrors.toException(e));
                return;
              }
              out.onNext(
                  LeaseKeepAliveResponse.newBuilder()
                      .setHeader(hdr.fill(ResponseHeader.getDefaultInstance()))
                      .setID(req.getID())
                      .setTTL(ttl)
                      .build());
            });
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        serial.execute(out::onCompleted);
      }
    };
  }
}
