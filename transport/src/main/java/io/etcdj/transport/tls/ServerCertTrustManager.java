package io.etcdj.transport.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Client side: verifies the server's chain against the trusted CAs (or the system roots), then its
 * name with Go's rules ({@link GoHostnames}): {@code serverName} when set, else the host the
 * connection was opened to (the engine's peer host), as Go's HTTP transport does.
 */
final class ServerCertTrustManager extends X509ExtendedTrustManager {
  static final String NO_SERVER_NAME =
      "tls: either ServerName or InsecureSkipVerify must be specified in the tls.Config";

  private final X509TrustManager chainVerifier;
  private final String serverName;

  ServerCertTrustManager(X509TrustManager chainVerifier, String serverName) {
    this.chainVerifier = chainVerifier;
    this.serverName = serverName;
  }

  private void check(X509Certificate[] chain, String authType, String peerHost)
      throws CertificateException {
    chainVerifier.checkServerTrusted(chain, authType);
    String host = serverName.isEmpty() ? peerHost : serverName;
    if (host == null || host.isEmpty()) {
      throw new CertificateException(NO_SERVER_NAME);
    }
    String err = GoHostnames.verifyHostname(chain[0], host);
    if (err != null) {
      throw new CertificateException(err);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    String host = null;
    if (socket instanceof SSLSocket s) {
      SSLSession hs = s.getHandshakeSession();
      host = hs == null ? null : hs.getPeerHost();
    }
    check(chain, authType, host);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client-side trust manager cannot verify clients");
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
  public X509Certificate[] getAcceptedIssuers() {
    return chainVerifier.getAcceptedIssuers();
  }
}
