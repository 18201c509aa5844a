package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.ServerError;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.grpc.Status;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@code togRPCError} and {@code toGRPCErrorMap} of etcd 3.4.23 {@code v3rpc/util.go}. */
class GrpcErrorsTest {

  private static void assertMaps(Throwable err, RpcError want) {
    Status s = GrpcErrors.toStatus(err);
    assertThat(s.getCode()).as(err.getMessage()).isEqualTo(want.code());
    assertThat(s.getDescription()).as(err.getMessage()).isEqualTo(want.description());
  }

  @Test
  void membershipErrorsMapAsInToGrpcErrorMap() {
    assertMaps(MembershipError.ID_REMOVED.exception(), RpcError.MEMBER_NOT_FOUND);
    assertMaps(MembershipError.ID_NOT_FOUND.exception(), RpcError.MEMBER_NOT_FOUND);
    assertMaps(MembershipError.ID_EXISTS.exception(), RpcError.MEMBER_EXIST);
    assertMaps(MembershipError.PEER_URL_EXISTS.exception(), RpcError.PEER_URL_EXIST);
    assertMaps(MembershipError.MEMBER_NOT_LEARNER.exception(), RpcError.MEMBER_NOT_LEARNER);
    assertMaps(MembershipError.TOO_MANY_LEARNERS.exception(), RpcError.TOO_MANY_LEARNERS);
  }

  @Test
  void serverErrorsMapAsInToGrpcErrorMap() {
    assertMaps(ServerError.LEARNER_NOT_READY.exception(), RpcError.LEARNER_NOT_READY);
    assertMaps(ServerError.REQUEST_TOO_LARGE.exception(), RpcError.REQUEST_TOO_LARGE);
    assertMaps(ServerError.NO_SPACE.exception(), RpcError.NO_SPACE);
    assertMaps(ServerError.NO_LEADER.exception(), RpcError.NO_LEADER);
    assertMaps(ServerError.NOT_LEADER.exception(), RpcError.NOT_LEADER);
    assertMaps(ServerError.LEADER_CHANGED.exception(), RpcError.LEADER_CHANGED);
    assertMaps(ServerError.STOPPED.exception(), RpcError.STOPPED);
    assertMaps(ServerError.TIMEOUT.exception(), RpcError.TIMEOUT);
    assertMaps(
        ServerError.TIMEOUT_DUE_TO_LEADER_FAIL.exception(), RpcError.TIMEOUT_DUE_TO_LEADER_FAIL);
    assertMaps(
        ServerError.TIMEOUT_DUE_TO_CONNECTION_LOST.exception(),
        RpcError.TIMEOUT_DUE_TO_CONNECTION_LOST);
    assertMaps(
        ServerError.TIMEOUT_WAIT_APPLIED_INDEX.exception(), RpcError.TIMEOUT_WAIT_APPLIED_INDEX);
    assertMaps(ServerError.UNHEALTHY.exception(), RpcError.UNHEALTHY);
    assertMaps(ServerError.KEY_NOT_FOUND.exception(), RpcError.KEY_NOT_FOUND);
    assertMaps(ServerError.CORRUPT.exception(), RpcError.CORRUPT);
    assertMaps(ServerError.BAD_LEADER_TRANSFEREE.exception(), RpcError.BAD_LEADER_TRANSFEREE);
  }

  /**
   * {@code rpctypes.ErrMemberNotEnoughStarted} and {@code ErrTooManyRequests} are {@code
   * EtcdError}s, not statuses, so gRPC-go answers UNKNOWN with their text.
   */
  @Test
  void notEnoughStartedAndTooManyRequestsAreUnknownWithEtcdErrorText() {
    Status s = GrpcErrors.toStatus(ServerError.NOT_ENOUGH_STARTED_MEMBERS.exception());
    assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(s.getDescription())
        .isEqualTo("etcdserver: re-configuration failed due to not enough started members");
    s = GrpcErrors.toStatus(ServerError.TOO_MANY_REQUESTS.exception());
    assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(s.getDescription()).isEqualTo("etcdserver: too many requests");
  }

  /** mvcc/kvstore.go, lease/lessor.go and auth/store.go texts, thrown by other modules. */
  @Test
  void mvccLeaseAndAuthTextsMap() {
    assertMaps(
        new IllegalStateException("mvcc: required revision has been compacted"),
        RpcError.COMPACTED);
    assertMaps(
        new IllegalStateException("mvcc: required revision is a future revision"),
        RpcError.FUTURE_REV);
    assertMaps(new IllegalStateException("lease not found"), RpcError.LEASE_NOT_FOUND);
    assertMaps(new IllegalStateException("lease already exists"), RpcError.LEASE_EXIST);
    assertMaps(new IllegalStateException("too large lease TTL"), RpcError.LEASE_TTL_TOO_LARGE);
    assertMaps(new IllegalStateException("auth: permission denied"), RpcError.PERMISSION_DENIED);
    assertMaps(
        new IllegalStateException("auth: revision in header is old"), RpcError.AUTH_OLD_REVISION);
    assertMaps(new IllegalStateException("auth: invalid auth token"), RpcError.INVALID_AUTH_TOKEN);
  }

  @Test
  void unknownErrorIsUnknownWithRawText() {
    Status s = GrpcErrors.toStatus(new IllegalStateException("mvcc: closed"));
    assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(s.getDescription()).isEqualTo("mvcc: closed");
    // ErrCanceled is not in toGRPCErrorMap either.
    s = GrpcErrors.toStatus(ServerError.CANCELED.exception());
    assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(s.getDescription()).isEqualTo("etcdserver: request cancelled");
  }

  @Test
  void statusesPassThroughAndWrappersAreUnwrapped() {
    assertThat(GrpcErrors.toStatus(RpcError.NO_LEADER.asException()).getDescription())
        .isEqualTo("etcdserver: no leader");
    assertMaps(new CompletionException(ServerError.TIMEOUT.exception()), RpcError.TIMEOUT);
    assertMaps(
        new ExecutionException(MembershipError.ID_EXISTS.exception()), RpcError.MEMBER_EXIST);
    assertThat(GrpcErrors.toStatus(new CancellationException()).getCode())
        .isEqualTo(Status.Code.CANCELLED);
    assertThat(GrpcErrors.toException(ServerError.STOPPED.exception()).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }
}
