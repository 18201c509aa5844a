package io.etcdj.raft;

/**
 * A proposal's deadline passed before raft took it, typically because no leader was known for the
 * whole wait (etcd's {@code Propose} returning {@code ctx.Err()} while {@code propc} is nil). The
 * server maps it to {@code etcdserver: request timed out}.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class ProposalTimeoutException extends RaftException {
  private static final long serialVersionUID = 1L;

  /** Go's {@code context.DeadlineExceeded} text, which etcd's raft returns here. */
  public static final String MESSAGE = "context deadline exceeded";

  public ProposalTimeoutException() {
    super(MESSAGE);
  }
}
