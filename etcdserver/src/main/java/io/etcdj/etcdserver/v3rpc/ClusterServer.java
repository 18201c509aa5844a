package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.types.Urls;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.ClusterGrpc;
import io.etcdj.proto.etcdserverpb.MemberAddRequest;
import io.etcdj.proto.etcdserverpb.MemberAddResponse;
import io.etcdj.proto.etcdserverpb.MemberListRequest;
import io.etcdj.proto.etcdserverpb.MemberListResponse;
import io.etcdj.proto.etcdserverpb.MemberPromoteRequest;
import io.etcdj.proto.etcdserverpb.MemberPromoteResponse;
import io.etcdj.proto.etcdserverpb.MemberRemoveRequest;
import io.etcdj.proto.etcdserverpb.MemberRemoveResponse;
import io.etcdj.proto.etcdserverpb.MemberUpdateRequest;
import io.etcdj.proto.etcdserverpb.MemberUpdateResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The Cluster service ({@code v3rpc/member.go}): MemberList from the local view; MemberAdd,
 * MemberRemove, MemberUpdate and MemberPromote through {@link EtcdServer}'s membership changes,
 * which answer once the ConfChange applied. The header is taken when the answer is built, after the
 * change, as etcd's {@code cs.header()}.
 *
 * <p>Thread-safe. A change waits without a server-side timeout, as in etcd; when the client cancels
 * or its deadline passes, the wait is dropped.
 */
final class ClusterServer extends ClusterGrpc.ClusterImplBase {
  private final EtcdServer server;
  private final Executor executor;

  ClusterServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.executor = executor;
  }

  @Override
  public void memberAdd(MemberAddRequest r, StreamObserver<MemberAddResponse> out) {
    Urls urls;
    try {
      urls = Urls.parse(r.getPeerURLsList());
    } catch (IllegalArgumentException e) {
      out.onError(RpcError.MEMBER_BAD_URLS.status().asRuntimeException());
      return;
    }
    long now = server.config().wallClockMillis().getAsLong() / 1000;
    Member m = Member.added("", urls, "", now, r.getIsLearner());
    reply(
        server.addMember(m),
        out,
        members ->
            MemberAddResponse.newBuilder()
                .setHeader(header())
                .setMember(
                    io.etcdj.proto.etcdserverpb.Member.newBuilder()
                        .setID(m.id())
                        .addAllPeerURLs(m.peerUrls())
                        .setIsLearner(m.isLearner()))
                .addAllMembers(toProto(members))
                .build());
  }

  @Override
  public void memberRemove(MemberRemoveRequest r, StreamObserver<MemberRemoveResponse> out) {
    reply(
        server.removeMember(r.getID()),
        out,
        members ->
            MemberRemoveResponse.newBuilder()
                .setHeader(header())
                .addAllMembers(toProto(members))
                .build());
  }

  @Override
  public void memberUpdate(MemberUpdateRequest r, StreamObserver<MemberUpdateResponse> out) {
    reply(
        server.updateMember(r.getID(), r.getPeerURLsList()),
        out,
        members ->
            MemberUpdateResponse.newBuilder()
                .setHeader(header())
                .addAllMembers(toProto(members))
                .build());
  }

  @Override
  public void memberPromote(MemberPromoteRequest r, StreamObserver<MemberPromoteResponse> out) {
    reply(
        server.promoteMember(r.getID()),
        out,
        members ->
            MemberPromoteResponse.newBuilder()
                .setHeader(header())
                .addAllMembers(toProto(members))
                .build());
  }

  @Override
  public void memberList(MemberListRequest r, StreamObserver<MemberListResponse> out) {
    out.onNext(
        MemberListResponse.newBuilder()
            .setHeader(header())
            .addAllMembers(toProto(server.cluster().members()))
            .build());
    out.onCompleted();
  }

  /** {@code cs.header()}: cluster ID, member ID and raft term; no revision. */
  private ResponseHeader header() {
    return ResponseHeader.newBuilder()
        .setClusterId(server.clusterId())
        .setMemberId(server.memberId())
        .setRaftTerm(server.term())
        .build();
  }

  /**
   * Answers when {@code change} completes; drops the wait when the call is cancelled (etcd's {@code
   * ctx.Done()} in {@code configure}).
   */
  private <T> void reply(
      CompletableFuture<List<Member>> change,
      StreamObserver<T> out,
      Function<List<Member>, T> response) {
    Context.current().addListener(ctx -> change.cancel(false), executor);
    Unary.reply(change.thenApply(response), executor, out);
  }

  /** {@code membersToProtoMembers}. */
  static List<io.etcdj.proto.etcdserverpb.Member> toProto(List<Member> members) {
    return members.stream()
        .map(
            m ->
                io.etcdj.proto.etcdserverpb.Member.newBuilder()
                    .setID(m.id())
                    .setName(m.name())
                    .addAllPeerURLs(m.peerUrls())
                    .addAllClientURLs(m.clientUrls())
                    .setIsLearner(m.isLearner())
                    .build())
        .toList();
  }
}
