package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.ApplyResult;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.ResponseHeaders;
import io.etcdj.proto.etcdserverpb.AuthDisableRequest;
import io.etcdj.proto.etcdserverpb.AuthDisableResponse;
import io.etcdj.proto.etcdserverpb.AuthEnableRequest;
import io.etcdj.proto.etcdserverpb.AuthEnableResponse;
import io.etcdj.proto.etcdserverpb.AuthGrpc;
import io.etcdj.proto.etcdserverpb.AuthRoleAddRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleAddResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleDeleteRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleDeleteResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleGetRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleGetResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleListRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleListResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleRevokePermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleRevokePermissionResponse;
import io.etcdj.proto.etcdserverpb.AuthUserAddRequest;
import io.etcdj.proto.etcdserverpb.AuthUserAddResponse;
import io.etcdj.proto.etcdserverpb.AuthUserChangePasswordRequest;
import io.etcdj.proto.etcdserverpb.AuthUserChangePasswordResponse;
import io.etcdj.proto.etcdserverpb.AuthUserDeleteRequest;
import io.etcdj.proto.etcdserverpb.AuthUserDeleteResponse;
import io.etcdj.proto.etcdserverpb.AuthUserGetRequest;
import io.etcdj.proto.etcdserverpb.AuthUserGetResponse;
import io.etcdj.proto.etcdserverpb.AuthUserGrantRoleRequest;
import io.etcdj.proto.etcdserverpb.AuthUserGrantRoleResponse;
import io.etcdj.proto.etcdserverpb.AuthUserListRequest;
import io.etcdj.proto.etcdserverpb.AuthUserListResponse;
import io.etcdj.proto.etcdserverpb.AuthUserRevokeRoleRequest;
import io.etcdj.proto.etcdserverpb.AuthUserRevokeRoleResponse;
import io.etcdj.proto.etcdserverpb.AuthenticateRequest;
import io.etcdj.proto.etcdserverpb.AuthenticateResponse;
import io.etcdj.proto.etcdserverpb.InternalAuthenticateRequest;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.storage.auth.AuthException;
import io.etcdj.storage.auth.AuthInfo;
import io.etcdj.storage.auth.AuthStore;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Auth service ({@code v3rpc/auth.go} over {@code v3_server.go}'s {@code Auth*}, {@code User*},
 * {@code Role*}): every call is a raft proposal carrying the caller's name and auth revision,
 * checked and applied by {@code AuthApplier}; Authenticate checks the password first (off the apply
 * thread, bcrypt is slow) and then proposes only the name and a fresh token prefix, so no password
 * reaches the WAL, retrying when the auth revision moved meanwhile.
 *
 * <p>Thread-safe. The caller is resolved on the calling thread; bcrypt and replies run on the store
 * executor.
 */
final class AuthServer extends AuthGrpc.AuthImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthServer.class);

  private final EtcdServer server;
  private final AuthStore auth;
  private final ResponseHeaders hdr;
  private final Executor executor;

  AuthServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.auth = server.store().auth();
    this.hdr = server.headers();
    this.executor = executor;
  }

  private <T extends com.google.protobuf.Message> void call(
      InternalRaftRequest r, Class<T> type, UnaryOperator<T> withHeader, StreamObserver<T> out) {
    AuthInfo ai;
    try {
      ai = AuthContext.caller(auth).get();
    } catch (AuthException e) {
      out.onError(GrpcErrors.toException(e));
      return;
    }
    Unary.reply(
        server.propose(r, ai).thenCompose(ar -> unwrap(ar, type)).thenApply(withHeader),
        executor,
        out);
  }

  private static <T> CompletableFuture<T> unwrap(ApplyResult ar, Class<T> type) {
    if (ar.error() != null) {
      return CompletableFuture.failedFuture(ar.error());
    }
    return CompletableFuture.completedFuture(type.cast(ar.response()));
  }

  private ResponseHeader fill(ResponseHeader h) {
    return hdr.fill(h);
  }

  @Override
  public void authEnable(AuthEnableRequest r, StreamObserver<AuthEnableResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthEnable(r).build(),
        AuthEnableResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void authDisable(AuthDisableRequest r, StreamObserver<AuthDisableResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthDisable(r).build(),
        AuthDisableResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void authenticate(AuthenticateRequest r, StreamObserver<AuthenticateResponse> out) {
    AuthContext.Caller caller = AuthContext.caller(auth);
    Unary.reply(
        server
            .linearizableReadNotify()
            .thenComposeAsync(v -> authenticateOnce(r, caller), executor)
            .thenApply(p -> p.toBuilder().setHeader(fill(p.getHeader())).build()),
        executor,
        out);
  }

  /** One round of etcd's Authenticate loop; runs on the store executor (bcrypt). */
  private CompletableFuture<AuthenticateResponse> authenticateOnce(
      AuthenticateRequest r, AuthContext.Caller caller) {
    long checked;
    AuthInfo ai;
    try {
      checked = auth.checkPassword(r.getName(), r.getPassword());
      ai = caller.get();
    } catch (AuthException e) {
      if (e.error() != io.etcdj.storage.auth.AuthError.AUTH_NOT_ENABLED) {
        LOG.warn("invalid authentication was requested: user {}: {}", r.getName(), e.getMessage());
      }
      return CompletableFuture.failedFuture(e);
    }
    InternalAuthenticateRequest internal =
        InternalAuthenticateRequest.newBuilder()
            .setName(r.getName())
            .setSimpleToken(auth.genTokenPrefix())
            .build();
    return server
        .propose(InternalRaftRequest.newBuilder().setAuthenticate(internal).build(), ai)
        .thenCompose(ar -> unwrap(ar, AuthenticateResponse.class))
        .thenComposeAsync(
            resp -> {
              if (checked == auth.revision()) {
                return CompletableFuture.completedFuture(resp);
              }
              LOG.info("revision when password checked became stale; retrying");
              return authenticateOnce(r, caller);
            },
            executor);
  }

  @Override
  public void userAdd(AuthUserAddRequest r, StreamObserver<AuthUserAddResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserAdd(r).build(),
        AuthUserAddResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userGet(AuthUserGetRequest r, StreamObserver<AuthUserGetResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserGet(r).build(),
        AuthUserGetResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userList(AuthUserListRequest r, StreamObserver<AuthUserListResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserList(r).build(),
        AuthUserListResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userDelete(AuthUserDeleteRequest r, StreamObserver<AuthUserDeleteResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserDelete(r).build(),
        AuthUserDeleteResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userChangePassword(
      AuthUserChangePasswordRequest r, StreamObserver<AuthUserChangePasswordResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserChangePassword(r).build(),
        AuthUserChangePasswordResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userGrantRole(
      AuthUserGrantRoleRequest r, StreamObserver<AuthUserGrantRoleResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserGrantRole(r).build(),
        AuthUserGrantRoleResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void userRevokeRole(
      AuthUserRevokeRoleRequest r, StreamObserver<AuthUserRevokeRoleResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthUserRevokeRole(r).build(),
        AuthUserRevokeRoleResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleAdd(AuthRoleAddRequest r, StreamObserver<AuthRoleAddResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleAdd(r).build(),
        AuthRoleAddResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleGet(AuthRoleGetRequest r, StreamObserver<AuthRoleGetResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleGet(r).build(),
        AuthRoleGetResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleList(AuthRoleListRequest r, StreamObserver<AuthRoleListResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleList(r).build(),
        AuthRoleListResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleDelete(AuthRoleDeleteRequest r, StreamObserver<AuthRoleDeleteResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleDelete(r).build(),
        AuthRoleDeleteResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleGrantPermission(
      AuthRoleGrantPermissionRequest r, StreamObserver<AuthRoleGrantPermissionResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleGrantPermission(r).build(),
        AuthRoleGrantPermissionResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }

  @Override
  public void roleRevokePermission(
      AuthRoleRevokePermissionRequest r, StreamObserver<AuthRoleRevokePermissionResponse> out) {
    call(
        InternalRaftRequest.newBuilder().setAuthRoleRevokePermission(r).build(),
        AuthRoleRevokePermissionResponse.class,
        p -> p.toBuilder().setHeader(fill(p.getHeader())).build(),
        out);
  }
}
