package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

/**
 * An expected etcdserver failure ({@link ServerError}); the message is etcd's text. Map it to a
 * gRPC status with {@code GrpcErrors.toStatus}.
 *
 * <p>Immutable. No stack trace is captured: these are ordinary outcomes (a timeout, no leader).
 */
public final class EtcdServerException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ServerError error;

  public EtcdServerException(ServerError error) {
    super(requireNonNull(error, "error").text(), null, false, false);
    this.error = error;
  }

  public ServerError error() {
    return error;
  }
}
