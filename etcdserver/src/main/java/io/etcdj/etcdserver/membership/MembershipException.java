package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

/**
 * A configuration change that membership rejects ({@link MembershipError}); the message is etcd's
 * text. Immutable; no stack trace (an expected outcome returned to the proposer).
 */
public final class MembershipException extends Exception {
  private static final long serialVersionUID = 1L;

  private final MembershipError error;

  public MembershipException(MembershipError error) {
    super(requireNonNull(error, "error").text(), null, false, false);
    this.error = error;
  }

  public MembershipError error() {
    return error;
  }
}
