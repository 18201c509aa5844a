package io.etcdj.etcdserver.membership;

/**
 * The bootstrap configuration is unusable (etcd returns these from {@code NewServer} and the
 * process exits). The message is etcd's text.
 */
public final class BootstrapException extends Exception {
  private static final long serialVersionUID = 1L;

  public BootstrapException(String message) {
    super(message);
  }
}
