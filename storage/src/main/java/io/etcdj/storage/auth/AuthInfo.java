package io.etcdj.storage.auth;

import static java.util.Objects.requireNonNull;

/**
 * Who sends a request and at which auth revision its token was resolved (etcd {@code
 * auth.AuthInfo}); carried to the apply in {@code RequestHeader.username}/{@code auth_revision}.
 * {@link #NONE} (empty name, revision 0) stands for a request without credentials.
 *
 * @param username the user name; empty for none
 * @param revision the auth store revision the token was checked at; 0 for none
 */
public record AuthInfo(String username, long revision) {
  /** No credentials: etcd's {@code &AuthInfo{}}. */
  public static final AuthInfo NONE = new AuthInfo("", 0);

  public AuthInfo {
    requireNonNull(username, "username");
  }
}
