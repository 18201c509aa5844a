package io.etcdj.etcdserver.v3rpc;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.storage.auth.AuthException;
import io.etcdj.storage.auth.AuthStore;
import org.jspecify.annotations.Nullable;

/**
 * {@code serverWatchStream.isWatchPermitted} and the cancel reasons etcd sends for a refused create
 * (the Go {@code status.Error()} text of the {@code ErrGRPC*}, {@code "rpc error: code = ... desc =
 * ..."}).
 *
 * <p>Stateless.
 */
final class WatchAuth {
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private WatchAuth() {}

  /** Null if the stream's caller may watch the create's range, else the cancel reason. */
  static @Nullable String deniedReason(
      AuthStore auth, @Nullable String token, WatchCreateRequest c) {
    // etcd turns a "\0" range end (from key on) into an empty one before the check, which then
    // checks the single key.
    ByteString end = c.getRangeEnd().equals(ZERO) ? ByteString.EMPTY : c.getRangeEnd();
    try {
      auth.checkRange(AuthContext.resolve(auth, token).orNone(), c.getKey(), end);
      return null;
    } catch (AuthException e) {
      RpcError err =
          switch (e.error()) {
            case INVALID_AUTH_TOKEN -> RpcError.INVALID_AUTH_TOKEN;
            case AUTH_OLD_REVISION -> RpcError.AUTH_OLD_REVISION;
            case USER_EMPTY -> RpcError.USER_EMPTY;
            default -> RpcError.PERMISSION_DENIED;
          };
      return "rpc error: code = " + goCode(err) + " desc = " + err.description();
    }
  }

  private static String goCode(RpcError e) {
    return switch (e.code()) {
      case UNAUTHENTICATED -> "Unauthenticated";
      case PERMISSION_DENIED -> "PermissionDenied";
      default -> "InvalidArgument";
    };
  }
}
