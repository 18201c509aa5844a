package io.etcdj.transport.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Server side: verifies a client's chain against the trusted CAs (as Go's {@code
 * RequireAndVerifyClientCert}), then refuses it during the handshake when it is revoked by the CRL
 * or fails the allowed CN / hostname check, as Go's {@code VerifyPeerCertificate} does. Doing the
 * CRL check here too means a revoked certificate never completes a handshake, whatever the listener
 * does afterwards.
 */
final class ClientCertTrustManager extends X509ExtendedTrustManager {
  private final X509TrustManager chainVerifier;
  private final PeerChecks checks;
  private final boolean systemRoots;

  ClientCertTrustManager(X509TrustManager chainVerifier, PeerChecks checks, boolean systemRoots) {
    this.chainVerifier = chainVerifier;
    this.checks = checks;
    this.systemRoots = systemRoots;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("tls: client didn't provide a certificate");
    }
    chainVerifier.checkClientTrusted(chain, authType);
    String err = checks.checkAllowed(chain[0]);
    if (err == null) {
      err = checks.checkCrl(chain);
    }
    if (err != null) {
      throw new CertificateException(err);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("server-side trust manager cannot verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  /**
   * The CAs named in the CertificateRequest. Go names its ClientCAs; with no CA file it names none
   * (rather than the whole system store).
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return systemRoots ? new X509Certificate[0] : chainVerifier.getAcceptedIssuers();
  }
}
