package io.etcdj.storage.lease;

import static java.util.Objects.requireNonNull;

/**
 * A lessor operation failed in a way etcd reports to its caller. The message is etcd's text from
 * {@code lease/lessor.go} byte for byte; {@link #reason()} lets callers map the failure (to a gRPC
 * status, an HTTP code) without comparing strings.
 *
 * <p>Immutable. No stack trace is captured: these are expected outcomes, thrown often (a renew of
 * an unknown lease), and the trace would never be read.
 */
public final class LeaseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The distinct failures of etcd's lessor, each with its exact error text. */
  public enum Reason {
    /** {@code ErrNotPrimary}: only the primary lessor (the raft leader) may renew. */
    NOT_PRIMARY("not a primary lessor"),
    /** {@code ErrLeaseNotFound}. */
    LEASE_NOT_FOUND("lease not found"),
    /** {@code ErrLeaseExists}. */
    LEASE_EXISTS("lease already exists"),
    /** {@code ErrLeaseTTLTooLarge}: the TTL is above {@link Lessor#MAX_LEASE_TTL}. */
    TTL_TOO_LARGE("too large lease TTL");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** etcd's error text for this reason. */
    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public LeaseException(Reason reason) {
    super(requireNonNull(reason, "reason").text(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static LeaseException notPrimary() {
    return new LeaseException(Reason.NOT_PRIMARY);
  }

  static LeaseException notFound() {
    return new LeaseException(Reason.LEASE_NOT_FOUND);
  }

  static LeaseException exists() {
    return new LeaseException(Reason.LEASE_EXISTS);
  }

  static LeaseException ttlTooLarge() {
    return new LeaseException(Reason.TTL_TOO_LARGE);
  }
}
