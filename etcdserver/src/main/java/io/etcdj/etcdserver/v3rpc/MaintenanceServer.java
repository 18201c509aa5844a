package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.AlarmText;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.ResponseHeaders;
import io.etcdj.etcdserver.ServerError;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmResponse;
import io.etcdj.proto.etcdserverpb.DefragmentRequest;
import io.etcdj.proto.etcdserverpb.DefragmentResponse;
import io.etcdj.proto.etcdserverpb.HashKVRequest;
import io.etcdj.proto.etcdserverpb.HashKVResponse;
import io.etcdj.proto.etcdserverpb.HashRequest;
import io.etcdj.proto.etcdserverpb.HashResponse;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.SnapshotRequest;
import io.etcdj.proto.etcdserverpb.SnapshotResponse;
import io.etcdj.proto.etcdserverpb.StatusRequest;
import io.etcdj.proto.etcdserverpb.StatusResponse;
import io.etcdj.storage.mvcc.KvHash;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * The Maintenance service ({@code v3rpc/maintenance.go}): Status (with the raised alarms among its
 * errors), Hash, HashKV, Snapshot (a bbolt file, see {@link SnapshotSender}), Alarm (through raft),
 * Defragment.
 *
 * <p>Thread-safe; store work runs on the store executor.
 */
final class MaintenanceServer extends MaintenanceGrpc.MaintenanceImplBase {
  private final EtcdServer server;
  private final ResponseHeaders hdr;
  private final Executor executor;

  MaintenanceServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.hdr = server.headers();
    this.executor = executor;
  }

  @Override
  public void status(StatusRequest r, StreamObserver<StatusResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          StatusResponse.Builder b =
              StatusResponse.newBuilder()
                  .setHeader(hdr.fresh())
                  .setVersion(EtcdServer.SERVER_VERSION)
                  .setDbSize(server.store().backend().size())
                  .setDbSizeInUse(server.store().backend().sizeInUse())
                  .setLeader(server.leader())
                  .setRaftIndex(server.committedIndex())
                  .setRaftTerm(server.term())
                  .setRaftAppliedIndex(server.appliedIndex())
                  .setIsLearner(false);
          if (server.leader() == 0) {
            b.addErrors(ServerError.NO_LEADER.text());
          }
          for (AlarmMember a : server.alarms().list()) {
            b.addErrors(AlarmText.of(a));
          }
          return b.build();
        });
  }

  @Override
  public void hash(HashRequest r, StreamObserver<HashResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          KvHash h = server.store().hash();
          return HashResponse.newBuilder()
              .setHeader(hdr.fill(ResponseHeader.newBuilder().setRevision(h.currentRev()).build()))
              .setHash((int) h.hash())
              .build();
        });
  }

  @Override
  public void hashKV(HashKVRequest r, StreamObserver<HashKVResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          KvHash h = server.store().hashKv(r.getRevision());
          return HashKVResponse.newBuilder()
              .setHeader(hdr.fill(ResponseHeader.newBuilder().setRevision(h.currentRev()).build()))
              .setHash((int) h.hash())
              .setCompactRevision(h.compactRev())
              .build();
        });
  }

  @Override
  public void alarm(AlarmRequest r, StreamObserver<AlarmResponse> out) {
    // Through raft, and answered as applied: etcd's AlarmResponse carries no header.
    Unary.reply(server.alarms().alarm(r), executor, out);
  }

  @Override
  public void snapshot(SnapshotRequest r, StreamObserver<SnapshotResponse> out) {
    SnapshotSender.start(server.store().backend(), out);
  }

  @Override
  public void defragment(DefragmentRequest r, StreamObserver<DefragmentResponse> out) {
    Unary.run(
        executor,
        out,
        () -> {
          server.store().backend().defrag();
          return DefragmentResponse.newBuilder().setHeader(hdr.fresh()).build();
        });
  }
}
