package io.etcdj.etcdserver;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.AuthDisableResponse;
import io.etcdj.proto.etcdserverpb.AuthEnableResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleAddResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleDeleteResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleGetResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleListResponse;
import io.etcdj.proto.etcdserverpb.AuthRoleRevokePermissionResponse;
import io.etcdj.proto.etcdserverpb.AuthUserAddResponse;
import io.etcdj.proto.etcdserverpb.AuthUserChangePasswordResponse;
import io.etcdj.proto.etcdserverpb.AuthUserDeleteResponse;
import io.etcdj.proto.etcdserverpb.AuthUserGetResponse;
import io.etcdj.proto.etcdserverpb.AuthUserGrantRoleResponse;
import io.etcdj.proto.etcdserverpb.AuthUserListResponse;
import io.etcdj.proto.etcdserverpb.AuthUserRevokeRoleResponse;
import io.etcdj.proto.etcdserverpb.AuthenticateResponse;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.storage.auth.AuthException;
import io.etcdj.storage.auth.AuthInfo;
import io.etcdj.storage.auth.AuthStore;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.node.ApplyTxn;
import io.etcdj.storage.node.NodeStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * etcd's {@code authApplierV3} ({@code etcdserver/apply_auth.go}) in front of {@link Applier}: the
 * request header's user and auth revision are checked against the auth store (admin requests need
 * the root role; puts, deletes, txns and lease revokes need key permissions), then the request is
 * applied; the auth requests themselves ({@code applierV3backend.Auth*}) are applied here.
 *
 * <p>Threading: {@link #apply} on the apply thread only. {@link #checkTxn} on any thread.
 */
final class AuthApplier {
  private final NodeStore store;
  private final AuthStore auth;
  private final Applier next;
  private final LongSupplier raftTerm;

  AuthApplier(NodeStore store, Applier next, LongSupplier raftTerm) {
    this.store = store;
    this.auth = store.auth();
    this.next = next;
    this.raftTerm = raftTerm;
  }

  /** Applies {@code r} for the user its header names; permission failures are results. */
  ApplyResult apply(ApplyTxn a, InternalRaftRequest r) {
    AuthInfo ai = new AuthInfo(r.getHeader().getUsername(), r.getHeader().getAuthRevision());
    try {
      if (needAdminPermission(r)) {
        auth.checkAdmin(ai);
      }
      if (isAuthRequest(r)) {
        return ApplyResult.of(applyAuth(a, r, ai));
      }
      if (r.hasPut()) {
        checkPut(ai, r.getPut());
      } else if (r.hasDeleteRange()) {
        checkDelete(ai, r.getDeleteRange());
      } else if (r.hasTxn()) {
        checkTxn(auth, ai, r.getTxn());
      } else if (r.hasRange()) {
        auth.checkRange(ai, r.getRange().getKey(), r.getRange().getRangeEnd());
      } else if (r.hasLeaseRevoke()) {
        checkLeasePuts(ai, r.getLeaseRevoke().getID());
      }
    } catch (AuthException e) {
      return ApplyResult.failed(e);
    }
    return next.apply(a, r);
  }

  private void checkPut(AuthInfo ai, PutRequest p) throws AuthException {
    auth.checkPut(ai, p.getKey());
    // A lease attached to keys this user cannot write cannot be attached to more.
    checkLeasePuts(ai, p.getLease());
    if (p.getPrevKv()) {
      auth.checkRange(ai, p.getKey(), ByteString.EMPTY);
    }
  }

  private void checkDelete(AuthInfo ai, DeleteRangeRequest d) throws AuthException {
    auth.checkDeleteRange(ai, d.getKey(), d.getRangeEnd());
    if (d.getPrevKv()) {
      auth.checkRange(ai, d.getKey(), d.getRangeEnd());
    }
  }

  /** {@code checkLeasePuts}: the user may write every key attached to the lease. */
  private void checkLeasePuts(AuthInfo ai, long leaseId) throws AuthException {
    if (leaseId == 0 || !auth.isEnabled()) {
      return;
    }
    Lease l = store.lessor().lookup(leaseId);
    if (l == null) {
      return;
    }
    for (String key : l.keys()) {
      auth.checkPut(ai, ByteString.copyFrom(key, StandardCharsets.ISO_8859_1));
    }
  }

  /** {@code checkTxnAuth}: every compare and every op of both branches (not nested txns). */
  static void checkTxn(AuthStore auth, AuthInfo ai, TxnRequest rt) throws AuthException {
    for (Compare c : rt.getCompareList()) {
      auth.checkRange(ai, c.getKey(), c.getRangeEnd());
    }
    checkOps(auth, ai, rt.getSuccessList());
    checkOps(auth, ai, rt.getFailureList());
  }

  private static void checkOps(AuthStore auth, AuthInfo ai, List<RequestOp> ops)
      throws AuthException {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE ->
            auth.checkRange(ai, op.getRequestRange().getKey(), op.getRequestRange().getRangeEnd());
        case REQUEST_PUT -> auth.checkPut(ai, op.getRequestPut().getKey());
        case REQUEST_DELETE_RANGE -> {
          DeleteRangeRequest d = op.getRequestDeleteRange();
          if (d.getPrevKv()) {
            auth.checkRange(ai, d.getKey(), d.getRangeEnd());
          }
          auth.checkDeleteRange(ai, d.getKey(), d.getRangeEnd());
        }
        default -> {}
      }
    }
  }

  private static boolean isAuthRequest(InternalRaftRequest r) {
    return r.hasAuthenticate()
        || r.hasAuthEnable()
        || r.hasAuthDisable()
        || r.hasAuthUserGet()
        || r.hasAuthRoleGet()
        || needAdminPermission(r);
  }

  /** {@code needAdminPermission}. */
  static boolean needAdminPermission(InternalRaftRequest r) {
    return r.hasAuthEnable()
        || r.hasAuthDisable()
        || r.hasAuthUserAdd()
        || r.hasAuthUserDelete()
        || r.hasAuthUserChangePassword()
        || r.hasAuthUserGrantRole()
        || r.hasAuthUserRevokeRole()
        || r.hasAuthRoleAdd()
        || r.hasAuthRoleGrantPermission()
        || r.hasAuthRoleRevokePermission()
        || r.hasAuthRoleDelete()
        || r.hasAuthUserList()
        || r.hasAuthRoleList();
  }

  private ResponseHeader header() {
    return ResponseHeader.newBuilder()
        .setRevision(store.rev())
        .setRaftTerm(raftTerm.getAsLong())
        .build();
  }

  /** {@code applierV3backend.Auth*}, {@code User*}, {@code Role*}, with {@code newHeader}. */
  private com.google.protobuf.Message applyAuth(ApplyTxn a, InternalRaftRequest r, AuthInfo ai)
      throws AuthException {
    if (r.hasAuthenticate()) {
      String token =
          auth.authenticate(
              r.getAuthenticate().getName(), r.getAuthenticate().getSimpleToken(), a.index());
      return AuthenticateResponse.newBuilder().setHeader(header()).setToken(token).build();
    }
    if (r.hasAuthEnable()) {
      auth.authEnable(a.auth());
      return AuthEnableResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthDisable()) {
      auth.authDisable(a.auth());
      return AuthDisableResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserAdd()) {
      auth.userAdd(r.getAuthUserAdd(), a.auth());
      return AuthUserAddResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserDelete()) {
      auth.userDelete(r.getAuthUserDelete().getName(), a.auth());
      return AuthUserDeleteResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserChangePassword()) {
      auth.userChangePassword(
          r.getAuthUserChangePassword().getName(),
          r.getAuthUserChangePassword().getPassword(),
          a.auth());
      return AuthUserChangePasswordResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserGrantRole()) {
      auth.userGrantRole(
          r.getAuthUserGrantRole().getUser(), r.getAuthUserGrantRole().getRole(), a.auth());
      return AuthUserGrantRoleResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserRevokeRole()) {
      auth.userRevokeRole(
          r.getAuthUserRevokeRole().getName(), r.getAuthUserRevokeRole().getRole(), a.auth());
      return AuthUserRevokeRoleResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthUserGet()) {
      String name = r.getAuthUserGet().getName();
      try {
        auth.checkAdmin(ai);
      } catch (AuthException e) {
        if (!name.equals(ai.username())) {
          throw e;
        }
      }
      return AuthUserGetResponse.newBuilder()
          .setHeader(header())
          .addAllRoles(auth.userRoles(name))
          .build();
    }
    if (r.hasAuthUserList()) {
      return AuthUserListResponse.newBuilder()
          .setHeader(header())
          .addAllUsers(auth.userNames())
          .build();
    }
    if (r.hasAuthRoleAdd()) {
      auth.roleAdd(r.getAuthRoleAdd().getName(), a.auth());
      return AuthRoleAddResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthRoleGrantPermission()) {
      auth.roleGrantPermission(r.getAuthRoleGrantPermission(), a.auth());
      return AuthRoleGrantPermissionResponse.newBuilder().setHeader(header()).build();
    }
    if (r.hasAuthRoleGet()) {
      String role = r.getAuthRoleGet().getRole();
      try {
        auth.checkAdmin(ai);
      } catch (AuthException e) {
        if (!auth.hasRole(ai.username(), role)) {
          throw e;
        }
      }
      return AuthRoleGetResponse.newBuilder()
          .setHeader(header())
          .addAllPerm(auth.rolePermissions(role))
          .build();
    }
    if (r.hasAuthRoleList()) {
      return AuthRoleListResponse.newBuilder()
          .setHeader(header())
          .addAllRoles(auth.roleNames())
          .build();
    }
    if (r.hasAuthRoleRevokePermission()) {
      auth.roleRevokePermission(r.getAuthRoleRevokePermission(), a.auth());
      return AuthRoleRevokePermissionResponse.newBuilder().setHeader(header()).build();
    }
    auth.roleDelete(r.getAuthRoleDelete().getRole(), a.auth());
    return AuthRoleDeleteResponse.newBuilder().setHeader(header()).build();
  }
}
