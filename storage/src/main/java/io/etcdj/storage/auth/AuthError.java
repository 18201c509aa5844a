package io.etcdj.storage.auth;

/**
 * The errors of etcd's {@code auth} package ({@code auth/store.go}), each with its exact Go text;
 * the gRPC layer maps them by text to etcd's {@code ErrGRPC*} statuses.
 *
 * <p>Immutable; safe from any thread.
 */
public enum AuthError {
  /** {@code ErrRootUserNotExist}. */
  ROOT_USER_NOT_EXIST("auth: root user does not exist"),
  /** {@code ErrRootRoleNotExist}. */
  ROOT_ROLE_NOT_EXIST("auth: root user does not have root role"),
  /** {@code ErrUserAlreadyExist}. */
  USER_ALREADY_EXIST("auth: user already exists"),
  /** {@code ErrUserEmpty}. */
  USER_EMPTY("auth: user name is empty"),
  /** {@code ErrUserNotFound}. */
  USER_NOT_FOUND("auth: user not found"),
  /** {@code ErrRoleAlreadyExist}. */
  ROLE_ALREADY_EXIST("auth: role already exists"),
  /** {@code ErrRoleNotFound}. */
  ROLE_NOT_FOUND("auth: role not found"),
  /** {@code ErrRoleEmpty}. */
  ROLE_EMPTY("auth: role name is empty"),
  /** {@code ErrAuthFailed}. */
  AUTH_FAILED("auth: authentication failed, invalid user ID or password"),
  /** {@code ErrNoPasswordUser}. */
  NO_PASSWORD_USER("auth: authentication failed, password was given for no password user"),
  /** {@code ErrPermissionDenied}. */
  PERMISSION_DENIED("auth: permission denied"),
  /** {@code ErrRoleNotGranted}. */
  ROLE_NOT_GRANTED("auth: role is not granted to the user"),
  /** {@code ErrPermissionNotGranted}. */
  PERMISSION_NOT_GRANTED("auth: permission is not granted to the role"),
  /** {@code ErrAuthNotEnabled}. */
  AUTH_NOT_ENABLED("auth: authentication is not enabled"),
  /** {@code ErrAuthOldRevision}. */
  AUTH_OLD_REVISION("auth: revision in header is old"),
  /** {@code ErrInvalidAuthToken}. */
  INVALID_AUTH_TOKEN("auth: invalid auth token"),
  /** {@code ErrInvalidAuthOpts}. */
  INVALID_AUTH_OPTS("auth: invalid auth options"),
  /** {@code ErrInvalidAuthMgmt}. */
  INVALID_AUTH_MGMT("auth: invalid auth management");

  private final String text;

  AuthError(String text) {
    this.text = text;
  }

  /** The Go error text, byte for byte. */
  public String text() {
    return text;
  }

  /** A new exception for this error. */
  public AuthException exception() {
    return new AuthException(this);
  }
}
