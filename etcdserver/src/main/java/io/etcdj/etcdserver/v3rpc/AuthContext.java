package io.etcdj.etcdserver.v3rpc;

import io.etcdj.etcdserver.ApplyResult;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.storage.auth.AuthError;
import io.etcdj.storage.auth.AuthException;
import io.etcdj.storage.auth.AuthInfo;
import io.etcdj.storage.auth.AuthStore;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The token a call carries and who it names (etcd {@code auth.AuthInfoFromCtx}): the interceptor
 * puts the {@code token} metadata (else {@code authorization}, which grpc-gateway sends, {@code
 * rpctypes.TokenFieldNameGRPC}/{@code TokenFieldNameSwagger}) into the call's {@link Context}, and
 * {@link #caller} resolves it against the auth store on the service's calling thread. The
 * admin-only maintenance calls ({@code authMaintenanceServer}: Defragment, Snapshot, Hash, HashKV)
 * are refused here, before the service, when the caller lacks the root role.
 *
 * <p>Stateless apart from the store; safe from any thread; never blocks.
 */
final class AuthContext implements ServerInterceptor {
  private static final Context.Key<String> TOKEN = Context.key("etcd-auth-token");
  private static final Metadata.Key<String> TOKEN_GRPC =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TOKEN_SWAGGER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Set<String> ADMIN_METHODS =
      Set.of(
          "etcdserverpb.Maintenance/Defragment",
          "etcdserverpb.Maintenance/Snapshot",
          "etcdserverpb.Maintenance/Hash",
          "etcdserverpb.Maintenance/HashKV");

  /** etcd's {@code checkMembershipOperationPermission}: member changes need the root role. */
  private static final Set<String> MEMBER_METHODS =
      Set.of(
          "etcdserverpb.Cluster/MemberAdd",
          "etcdserverpb.Cluster/MemberRemove",
          "etcdserverpb.Cluster/MemberUpdate",
          "etcdserverpb.Cluster/MemberPromote");

  private final AuthStore auth;

  AuthContext(AuthStore auth) {
    this.auth = auth;
  }

  /**
   * Who calls, resolved once: {@code info} is null for a call without a token; {@code error} is
   * {@code ErrInvalidAuthToken} for an unknown or expired one.
   */
  record Caller(@Nullable AuthInfo info, @Nullable AuthException error) {
    /** {@code AuthInfoFromCtx}: the info (null without a token), or the token's error. */
    @Nullable AuthInfo get() throws AuthException {
      if (error != null) {
        throw error;
      }
      return info;
    }

    /** As {@link #get()}, with {@code &AuthInfo{}} for a call without a token. */
    AuthInfo orNone() throws AuthException {
      AuthInfo ai = get();
      return ai == null ? AuthInfo.NONE : ai;
    }
  }

  /** The caller of the current call; call on the thread the call's context is attached to. */
  static Caller caller(AuthStore auth) {
    return resolve(auth, TOKEN.get());
  }

  /** A caller for a token captured earlier (streams resolve it per request, as etcd). */
  static Caller resolve(AuthStore auth, @Nullable String token) {
    if (token == null) {
      return new Caller(null, null);
    }
    try {
      return new Caller(auth.authInfoFromToken(token), null);
    } catch (AuthException e) {
      return new Caller(null, e);
    }
  }

  /**
   * Proposes {@code r} on behalf of the current call's caller ({@code
   * processInternalRaftRequestOnce} with {@code AuthInfoFromCtx}); an invalid token fails without
   * proposing.
   */
  static CompletableFuture<ApplyResult> propose(EtcdServer server, InternalRaftRequest r) {
    try {
      return server.propose(r, caller(server.store().auth()).get());
    } catch (AuthException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The current call's token, to resolve later with {@link #resolve}. */
  static @Nullable String token() {
    return TOKEN.get();
  }

  /**
   * {@code doSerialize}'s last step: a read done with a token whose revision has moved on while it
   * ran is refused ({@code ErrAuthOldRevision}).
   */
  static void checkRevisionAfterRead(AuthStore auth, AuthInfo ai) throws AuthException {
    if (ai.revision() != 0 && ai.revision() != auth.revision()) {
      throw AuthError.AUTH_OLD_REVISION.exception();
    }
  }

  /** A permission check for a serialized read. */
  @FunctionalInterface
  interface Check {
    void check(AuthInfo ai) throws AuthException;
  }

  /** {@code checkTxnAuth} for a read-only txn served locally. */
  static void checkTxn(AuthStore auth, AuthInfo ai, io.etcdj.proto.etcdserverpb.TxnRequest r)
      throws AuthException {
    EtcdServer.checkTxnAuth(auth, ai, r);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String token = headers.get(TOKEN_GRPC);
    if (token == null) {
      token = headers.get(TOKEN_SWAGGER);
    }
    if (ADMIN_METHODS.contains(call.getMethodDescriptor().getFullMethodName())) {
      try {
        auth.checkAdmin(resolve(auth, token).get());
      } catch (AuthException e) {
        // authMaintenanceServer returns the auth error as is: gRPC-go sends it as UNKNOWN.
        call.close(Status.UNKNOWN.withDescription(e.getMessage()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    if (MEMBER_METHODS.contains(call.getMethodDescriptor().getFullMethodName())) {
      try {
        auth.checkAdmin(resolve(auth, token).get());
      } catch (AuthException e) {
        // checkMembershipOperationPermission's error goes through togRPCError, unlike the above.
        call.close(GrpcErrors.toStatus(e), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    if (token == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
  }
}
