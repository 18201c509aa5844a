package io.etcdj.transport.tls;

import com.google.common.collect.ImmutableList;
import com.google.common.net.InetAddresses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The client side of a {@link TlsInfo}, as etcd's {@code TLSInfo.ClientConfig}: for outgoing peer
 * connections (rafthttp) and for clients of the client port (gateway, proxy, tests).
 *
 * <ul>
 *   <li>With a cert/key, it is presented to servers that ask, re-read when it changes on disk
 *       (etcd's {@code GetClientCertificate}); an empty {@link TlsInfo} presents none.
 *   <li>The server's chain is verified against the trusted CA (system roots without one) and its
 *       name with Go's rules against {@code serverName}, else the dialled host; skipped entirely
 *       with {@code insecureSkipVerify} or a self-signed (auto-TLS) {@link TlsInfo}.
 *   <li>{@code emptyCn}: a client certificate with a CN is refused at construction.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class EtcdClientTls {
  private final TlsInfo info;
  private final SslProvider provider;
  private final TlsMaterial material;
  private final boolean insecure;

  private EtcdClientTls(TlsInfo info, SslProvider provider) throws TlsConfigException {
    boolean withKeyPair = !info.isEmpty();
    if (withKeyPair) {
      info.validate();
    }
    this.info = info;
    this.provider = provider;
    this.insecure = info.insecureSkipVerify() || info.selfCert();
    this.material = new TlsMaterial(info, withKeyPair);
    TlsMaterial.Snapshot s = material.current();
    if (info.emptyCn() && s.keyPair != null) {
      String cn = GoHostnames.commonName(s.keyPair.chain()[0]);
      if (!cn.isEmpty()) {
        throw new TlsConfigException("cert has non empty Common Name (" + cn + ")");
      }
    }
    try {
      build(s, List.of());
    } catch (SSLException e) {
      throw new TlsConfigException(e.getMessage(), e);
    }
  }

  public static EtcdClientTls create(TlsInfo info) throws TlsConfigException {
    return new EtcdClientTls(info, Contexts.defaultProvider());
  }

  public static EtcdClientTls create(TlsInfo info, SslProvider provider) throws TlsConfigException {
    return new EtcdClientTls(info, provider);
  }

  public TlsInfo info() {
    return info;
  }

  /**
   * The context for the next connection, offering {@code alpnProtocols} (for example {@code ["h2"]}
   * for gRPC, {@code ["http/1.1"]} or none for rafthttp). Create engines with the dialled host as
   * peer host (or use {@link #newHandler}) so the name check has a host.
   *
   * @throws CertificateReloadException when changed files cannot be loaded
   */
  public SslContext clientContext(List<String> alpnProtocols) {
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

  /**
   * A handler for a connection to {@code host:port}: the engine's peer host is {@code host} (used
   * for the name check when {@code serverName} is empty) and SNI is {@code serverName} or {@code
   * host} unless that is an IP, as Go sends it.
   */
  public SslHandler newHandler(
      List<String> alpnProtocols, ByteBufAllocator alloc, String host, int port) {
    SslHandler h = clientContext(alpnProtocols).newHandler(alloc, host, port);
    String sni = info.serverName().isEmpty() ? host : info.serverName();
    if (!sni.isEmpty() && !InetAddresses.isInetAddress(stripBrackets(sni))) {
      SSLEngine engine = h.engine();
      SSLParameters p = engine.getSSLParameters();
      try {
        p.setServerNames(List.of(new SNIHostName(sni)));
        engine.setSSLParameters(p);
      } catch (IllegalArgumentException e) {
        // Not a valid SNI name (e.g. trailing dot): Go would not send one either.
      }
    }
    return h;
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private SslContext build(TlsMaterial.Snapshot s, List<String> alpn)
      throws TlsConfigException, SSLException {
    SslContextBuilder b = SslContextBuilder.forClient();
    if (!info.isEmpty()) {
      Contexts.common(b, info, provider, alpn);
    } else {
      // Go's ClientConfig ignores cipher suites and versions without a cert.
      Contexts.common(b, TlsInfo.EMPTY, provider, alpn);
    }
    if (s.keyPair != null) {
      b.keyManager(s.keyPair.key(), s.keyPair.chain());
    }
    if (insecure) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else {
      b.trustManager(new ServerCertTrustManager(s.chainVerifier, info.serverName()));
    }
    return b.build();
  }
}
