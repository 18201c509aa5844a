package io.etcdj.transport.tls;

/**
 * A TLS configuration that etcd would refuse at startup: missing or unreadable files, a key that
 * does not match its certificate, an unknown cipher suite or TLS version. The message is etcd's (or
 * Go's, where etcd passes Go's error through) text.
 */
public final class TlsConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public TlsConfigException(String message) {
    super(message);
  }

  public TlsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
