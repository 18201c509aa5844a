package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.ServerError;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place a server-side failure becomes a gRPC status: {@code v3rpc/util.go togRPCError}.
 *
 * <p>The table is keyed by etcd's internal error <em>text</em> (a Go error's identity is its
 * sentinel; ours are exceptions of several modules — {@code EtcdServerException}, {@code
 * MembershipException}, storage's {@code MvccException} and {@code LeaseException}, auth — whose
 * messages are etcd's text byte for byte), so this module needs no dependency on storage.
 *
 * <p>Stateless; safe from any thread.
 */
public final class GrpcErrors {
  /** Internal error text → what the server returns for it. */
  private static final Map<String, Status> TO_GRPC = table();

  private GrpcErrors() {}

  /**
   * {@code togRPCError}: a status for {@code err}. Statuses pass through; a cancelled call becomes
   * {@code CANCELLED} (gRPC-go does the same for {@code context.Canceled}); a known etcd error
   * becomes its {@code ErrGRPC*}; anything else becomes {@code UNKNOWN} with the raw message.
   */
  public static Status toStatus(Throwable err) {
    Throwable e = unwrap(err);
    if (e instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    if (e instanceof StatusException se) {
      return se.getStatus();
    }
    if (e instanceof CancellationException) {
      return Status.CANCELLED.withDescription("context canceled");
    }
    String msg = String.valueOf(e.getMessage());
    Status s = TO_GRPC.get(msg);
    return s != null ? s : Status.UNKNOWN.withDescription(msg);
  }

  /** {@link #toStatus} as an exception for {@code StreamObserver.onError}. */
  public static StatusRuntimeException toException(Throwable err) {
    return toStatus(err).asRuntimeException();
  }

  private static Throwable unwrap(Throwable err) {
    Throwable e = err;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static Map<String, Status> table() {
    Map<String, Status> m = new HashMap<>();
    put(m, MembershipError.ID_REMOVED.text(), RpcError.MEMBER_NOT_FOUND);
    put(m, MembershipError.ID_NOT_FOUND.text(), RpcError.MEMBER_NOT_FOUND);
    put(m, MembershipError.ID_EXISTS.text(), RpcError.MEMBER_EXIST);
    put(m, MembershipError.PEER_URL_EXISTS.text(), RpcError.PEER_URL_EXIST);
    put(m, MembershipError.MEMBER_NOT_LEARNER.text(), RpcError.MEMBER_NOT_LEARNER);
    put(m, MembershipError.TOO_MANY_LEARNERS.text(), RpcError.TOO_MANY_LEARNERS);
    // etcd maps these two to rpctypes.ErrMemberNotEnoughStarted / ErrTooManyRequests, which are
    // EtcdError values, not statuses; gRPC-go sends a non-status error as UNKNOWN with its text.
    // Clients still recognise them by the text.
    m.put(
        ServerError.NOT_ENOUGH_STARTED_MEMBERS.text(),
        Status.UNKNOWN.withDescription(RpcError.MEMBER_NOT_ENOUGH_STARTED.description()));
    m.put(
        ServerError.TOO_MANY_REQUESTS.text(),
        Status.UNKNOWN.withDescription(RpcError.REQUEST_TOO_MANY_REQUESTS.description()));
    put(m, ServerError.LEARNER_NOT_READY.text(), RpcError.LEARNER_NOT_READY);

    put(m, "mvcc: required revision has been compacted", RpcError.COMPACTED);
    put(m, "mvcc: required revision is a future revision", RpcError.FUTURE_REV);
    put(m, ServerError.REQUEST_TOO_LARGE.text(), RpcError.REQUEST_TOO_LARGE);
    put(m, ServerError.NO_SPACE.text(), RpcError.NO_SPACE);

    put(m, ServerError.NO_LEADER.text(), RpcError.NO_LEADER);
    put(m, ServerError.NOT_LEADER.text(), RpcError.NOT_LEADER);
    put(m, ServerError.LEADER_CHANGED.text(), RpcError.LEADER_CHANGED);
    put(m, ServerError.STOPPED.text(), RpcError.STOPPED);
    put(m, ServerError.TIMEOUT.text(), RpcError.TIMEOUT);
    put(m, ServerError.TIMEOUT_DUE_TO_LEADER_FAIL.text(), RpcError.TIMEOUT_DUE_TO_LEADER_FAIL);
    put(
        m,
        ServerError.TIMEOUT_DUE_TO_CONNECTION_LOST.text(),
        RpcError.TIMEOUT_DUE_TO_CONNECTION_LOST);
    put(m, ServerError.TIMEOUT_WAIT_APPLIED_INDEX.text(), RpcError.TIMEOUT_WAIT_APPLIED_INDEX);
    put(m, ServerError.UNHEALTHY.text(), RpcError.UNHEALTHY);
    put(m, ServerError.KEY_NOT_FOUND.text(), RpcError.KEY_NOT_FOUND);
    put(m, ServerError.CORRUPT.text(), RpcError.CORRUPT);
    put(m, ServerError.BAD_LEADER_TRANSFEREE.text(), RpcError.BAD_LEADER_TRANSFEREE);

    put(m, "lease not found", RpcError.LEASE_NOT_FOUND);
    put(m, "lease already exists", RpcError.LEASE_EXIST);
    put(m, "too large lease TTL", RpcError.LEASE_TTL_TOO_LARGE);

    put(m, "auth: root user does not exist", RpcError.ROOT_USER_NOT_EXIST);
    put(m, "auth: root user does not have root role", RpcError.ROOT_ROLE_NOT_EXIST);
    put(m, "auth: user already exists", RpcError.USER_ALREADY_EXIST);
    put(m, "auth: user name is empty", RpcError.USER_EMPTY);
    put(m, "auth: user not found", RpcError.USER_NOT_FOUND);
    put(m, "auth: role already exists", RpcError.ROLE_ALREADY_EXIST);
    put(m, "auth: role not found", RpcError.ROLE_NOT_FOUND);
    put(m, "auth: role name is empty", RpcError.ROLE_EMPTY);
    put(m, "auth: authentication failed, invalid user ID or password", RpcError.AUTH_FAILED);
    put(m, "auth: permission denied", RpcError.PERMISSION_DENIED);
    put(m, "auth: role is not granted to the user", RpcError.ROLE_NOT_GRANTED);
    put(m, "auth: permission is not granted to the role", RpcError.PERMISSION_NOT_GRANTED);
    put(m, "auth: authentication is not enabled", RpcError.AUTH_NOT_ENABLED);
    put(m, "auth: invalid auth token", RpcError.INVALID_AUTH_TOKEN);
    put(m, "auth: invalid auth management", RpcError.INVALID_AUTH_MGMT);
    put(m, "auth: revision in header is old", RpcError.AUTH_OLD_REVISION);
    return Map.copyOf(m);
  }

  private static void put(Map<String, Status> m, String internalText, RpcError to) {
    m.put(internalText, to.status());
  }
}
