package io.etcdj.transport.tls;

/**
 * The files changed on disk and can no longer be used (for example a certificate replaced before
 * its key). etcd fails that one handshake ({@code GetCertificate} returns the error) and tries
 * again on the next; a listener that gets this from {@code serverContext} should close the
 * connection and log the message, which is Go's text.
 */
public final class CertificateReloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CertificateReloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
