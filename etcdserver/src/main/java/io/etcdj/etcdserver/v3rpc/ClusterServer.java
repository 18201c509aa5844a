package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.ResponseHeaders;
import io.etcdj.proto.etcdserverpb.ClusterGrpc;
import io.etcdj.proto.etcdserverpb.MemberListRequest;
import io.etcdj.proto.etcdserverpb.MemberListResponse;
import io.grpc.stub.StreamObserver;

/**
 * The Cluster service ({@code v3rpc/member.go}): MemberList. Membership changes come with the
 * cluster work (rafthttp); until then MemberAdd/Remove/Update/Promote answer UNIMPLEMENTED.
 *
 * <p>Thread-safe.
 */
final class ClusterServer extends ClusterGrpc.ClusterImplBase {
  private final EtcdServer server;
  private final ResponseHeaders hdr;

  ClusterServer(EtcdServer server) {
    this.server = server;
    this.hdr = server.headers();
  }

  @Override
  public void memberList(MemberListRequest r, StreamObserver<MemberListResponse> out) {
    MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(hdr.fresh());
    for (io.etcdj.etcdserver.membership.Member m : server.cluster().members()) {
      b.addMembers(
          io.etcdj.proto.etcdserverpb.Member.newBuilder()
              .setID(m.id())
              .setName(m.name())
              .addAllPeerURLs(m.peerUrls())
              .addAllClientURLs(m.clientUrls())
              .setIsLearner(m.isLearner()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
