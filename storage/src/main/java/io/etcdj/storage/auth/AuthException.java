package io.etcdj.storage.auth;

/**
 * An expected failure of an auth operation; the message is etcd's exact text and {@link #error()}
 * names the condition.
 *
 * <p>Immutable; no stack trace (these are ordinary outcomes: a wrong password, a missing role).
 */
public final class AuthException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AuthError error;

  public AuthException(AuthError error) {
    super(error.text(), null, false, false);
    this.error = error;
  }

  /** Which etcd error this is. */
  public AuthError error() {
    return error;
  }
}
