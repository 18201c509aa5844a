package io.etcdj.transport.tls;

import com.google.common.collect.ImmutableList;
import io.etcdj.transport.ServerTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * {@link ServerTls} for one etcd port, built from its {@link TlsInfo} as etcd's {@code
 * TLSInfo.ServerConfig} plus the checks of {@code listener_tls.go}:
 *
 * <ul>
 *   <li>TLS 1.2 minimum (or {@code --tls-min-version}), {@code --tls-max-version}, {@code
 *       --cipher-suites};
 *   <li>client certificates required when {@code clientCertAuth} or a trusted CA is set, verified
 *       against that CA (the system roots when only {@code clientCertAuth} is set);
 *   <li>allowed CN / hostname and CRL, refused during the handshake and checked again by {@link
 *       #verifyPeer};
 *   <li>peer ports only: the client certificate's SANs must match the remote address ({@code
 *       checkSAN}) unless {@code skipClientSanVerify}; needs the engine created with the remote IP
 *       as peer host ({@code sslContext.newHandler(alloc, remoteIp, remotePort)}).
 * </ul>
 *
 * <p>Certificates, keys and CA replaced on disk are picked up by the next handshake (files are
 * re-read only when their mtime/size/inode change); the CRL is re-read when it changes.
 *
 * <p>Thread-safe; {@link #serverContext} is cheap when nothing changed (three {@code stat}s).
 */
public final class EtcdServerTls implements ServerTls {
  private final TlsInfo info;
  private final SslProvider provider;
  private final boolean checkSan;
  private final TlsMaterial material;
  private final PeerChecks checks;

  private EtcdServerTls(TlsInfo info, SslProvider provider, boolean checkSan, HostResolver resolver)
      throws TlsConfigException {
    info.validate();
    this.info = info;
    this.provider = provider;
    this.checkSan = checkSan;
    this.material = new TlsMaterial(info, true);
    this.checks = new PeerChecks(info, resolver);
    // Fail at startup, as etcd does, if the files cannot make a context at all.
    try {
      build(material.current(), List.of());
    } catch (SSLException e) {
      throw new TlsConfigException(e.getMessage(), e);
    }
  }

  /** A client port ({@code --listen-client-urls} https): CRL but no SAN check, as etcd. */
  public static EtcdServerTls forClientPort(TlsInfo info) throws TlsConfigException {
    return new EtcdServerTls(info, Contexts.defaultProvider(), false, HostResolver.SYSTEM);
  }

  /** A peer port: CRL and, unless {@code skipClientSanVerify}, the SAN check. */
  public static EtcdServerTls forPeerPort(TlsInfo info) throws TlsConfigException {
    return forPeerPort(info, Contexts.defaultProvider(), HostResolver.SYSTEM);
  }

  /** As {@link #forPeerPort(TlsInfo)} with an explicit provider and DNS resolver (tests). */
  public static EtcdServerTls forPeerPort(TlsInfo info, SslProvider provider, HostResolver resolver)
      throws TlsConfigException {
    return new EtcdServerTls(info, provider, !info.skipClientSanVerify(), resolver);
  }

  /** As {@link #forClientPort(TlsInfo)} with an explicit provider (tests run both). */
  public static EtcdServerTls forClientPort(TlsInfo info, SslProvider provider)
      throws TlsConfigException {
    return new EtcdServerTls(info, provider, false, HostResolver.SYSTEM);
  }

  public TlsInfo info() {
    return info;
  }

  public SslProvider provider() {
    return provider;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CertificateReloadException when changed files cannot be loaded; the previous context is
   *     not reused, as etcd fails the handshake
   */
  @Override
  public SslContext serverContext(List<String> alpnProtocols) {
    List<String> key = ImmutableList.copyOf(alpnProtocols);
    try {
      TlsMaterial.Snapshot s = material.current();
      SslContext ctx = s.contexts.get(key);
      if (ctx == null) {
        ctx = build(s, key);
        SslContext raced = s.contexts.putIfAbsent(key, ctx);
        if (raced != null) {
          ctx = raced;
        }
      }
      return ctx;
    } catch (TlsConfigException | SSLException e) {
      throw new CertificateReloadException(e.getMessage(), e);
    }
  }

  private SslContext build(TlsMaterial.Snapshot s, List<String> alpn)
      throws TlsConfigException, SSLException {
    SslContextBuilder b = SslContextBuilder.forServer(s.keyPair.key(), s.keyPair.chain());
    Contexts.common(b, info, provider, alpn);
    ClientAuth auth = Contexts.clientAuth(info);
    b.clientAuth(auth);
    if (auth == ClientAuth.REQUIRE) {
      b.trustManager(new ClientCertTrustManager(s.chainVerifier, checks, s.systemRoots));
    }
    return b.build();
  }

  @Override
  public void verifyPeer(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return; // no client certificate: nothing more to check, as in etcd
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return;
    }
    // etcd's order: the allowed CN/hostname (in the handshake), then checkSAN, then checkCRL.
    String err = checks.checkAllowed(leaf);
    if (err != null) {
      throw new SSLPeerUnverifiedException(err);
    }
    if (checkSan) {
      String host = session.getPeerHost();
      if (host == null || host.isEmpty()) {
        throw new SSLPeerUnverifiedException(
            "tls: remote address unknown; create the server SSLEngine with the remote IP as"
                + " peer host");
      }
      err = checks.checkSan(leaf, host);
      if (err != null) {
        throw new SSLPeerUnverifiedException(err);
      }
    }
    err = checks.checkCrl(chain);
    if (err != null) {
      throw new SSLPeerUnverifiedException(err);
    }
  }
}
