package io.etcdj.embed;

import java.util.Objects;

/**
 * TLS settings of one side (client or peer) as plain values, the counterpart of the fields etcd's
 * flags fill in {@code transport.TLSInfo}. The server maps this to the transport's TLS helper.
 * Empty strings mean "not set".
 *
 * <p>Threading: immutable.
 *
 * @param certFile server certificate ({@code --cert-file} / {@code --peer-cert-file})
 * @param keyFile its key ({@code --key-file} / {@code --peer-key-file})
 * @param trustedCaFile CA bundle for client certificates ({@code --trusted-ca-file} / {@code
 *     --peer-trusted-ca-file})
 * @param clientCertAuth require and verify client certificates ({@code --client-cert-auth} / {@code
 *     --peer-client-cert-auth})
 * @param crlFile revocation list ({@code --client-crl-file} / {@code --peer-crl-file})
 * @param allowedCn required client certificate CN (peer only: {@code --peer-cert-allowed-cn})
 * @param allowedHostname required client certificate host name ({@code
 *     --client-cert-allowed-hostname} / {@code --peer-cert-allowed-hostname})
 * @param skipClientSanVerify do not check the client certificate's SAN against its address (peer
 *     only: {@code --experimental-peer-skip-client-san-verification})
 */
public record TlsConfig(
    String certFile,
    String keyFile,
    String trustedCaFile,
    boolean clientCertAuth,
    String crlFile,
    String allowedCn,
    String allowedHostname,
    boolean skipClientSanVerify) {

  /** Nothing set: plain TCP. */
  public static final TlsConfig NONE = new TlsConfig("", "", "", false, "", "", "", false);

  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(trustedCaFile, "trustedCaFile");
    Objects.requireNonNull(crlFile, "crlFile");
    Objects.requireNonNull(allowedCn, "allowedCn");
    Objects.requireNonNull(allowedHostname, "allowedHostname");
  }

  /** etcd's {@code TLSInfo.Empty()}: no certificate and no key, so the listener is plain. */
  public boolean isEmpty() {
    return certFile.isEmpty() && keyFile.isEmpty();
  }

  public TlsConfig withCertFile(String v) {
    return new TlsConfig(
        v,
        keyFile,
        trustedCaFile,
        clientCertAuth,
        crlFile,
        allowedCn,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withKeyFile(String v) {
    return new TlsConfig(
        certFile,
        v,
        trustedCaFile,
        clientCertAuth,
        crlFile,
        allowedCn,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withTrustedCaFile(String v) {
    return new TlsConfig(
        certFile,
        keyFile,
        v,
        clientCertAuth,
        crlFile,
        allowedCn,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withClientCertAuth(boolean v) {
    return new TlsConfig(
        certFile,
        keyFile,
        trustedCaFile,
        v,
        crlFile,
        allowedCn,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withCrlFile(String v) {
    return new TlsConfig(
        certFile,
        keyFile,
        trustedCaFile,
        clientCertAuth,
        v,
        allowedCn,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withAllowedCn(String v) {
    return new TlsConfig(
        certFile,
        keyFile,
        trustedCaFile,
        clientCertAuth,
        crlFile,
        v,
        allowedHostname,
        skipClientSanVerify);
  }

  public TlsConfig withAllowedHostname(String v) {
    return new TlsConfig(
        certFile,
        keyFile,
        trustedCaFile,
        clientCertAuth,
        crlFile,
        allowedCn,
        v,
        skipClientSanVerify);
  }

  public TlsConfig withSkipClientSanVerify(boolean v) {
    return new TlsConfig(
        certFile, keyFile, trustedCaFile, clientCertAuth, crlFile, allowedCn, allowedHostname, v);
  }
}
