package io.etcdj.embed;

import io.etcdj.transport.EventLoops;
import io.etcdj.transport.ListenException;
import io.etcdj.transport.Listener;
import io.etcdj.transport.tls.EtcdServerTls;
import io.etcdj.transport.tls.SelfCert;
import io.etcdj.transport.tls.TlsConfigException;
import io.etcdj.transport.tls.TlsInfo;
import io.etcdj.transport.tls.TlsVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Phase one of etcd's start-up ({@code configurePeerListeners}, {@code configureClientListeners}):
 * socket, bind and listen for every URL, nothing accepted yet. Each bound listener is pushed on
 * {@code opened} so a later failure closes it.
 */
final class Listeners {
  private Listeners() {}

  static List<Listener> bindPeers(Config cfg, EventLoops loops, Deque<AutoCloseable> opened)
      throws ListenException, TlsConfigException {
    TlsInfo tls = tlsInfo(cfg, cfg.peerTls(), cfg.peerAutoTls(), true, cfg.listenPeerUrls());
    List<Listener> out = new ArrayList<>();
    for (URI u : cfg.listenPeerUrls()) {
      Listener.Builder b = Listener.builder(u).role(Listener.Role.PEER);
      if (!tls.isEmpty()) {
        b.tls(EtcdServerTls.forPeerPort(tls));
      }
      out.add(bound(b.tlsConfigured(!tls.isEmpty(), tls.clientCertAuth()), loops, opened));
    }
    return out;
  }

  static List<Listener> bindClients(Config cfg, EventLoops loops, Deque<AutoCloseable> opened)
      throws ListenException, TlsConfigException {
    List<URI> all = new ArrayList<>(cfg.listenClientUrls());
    all.addAll(cfg.listenClientHttpUrls());
    TlsInfo tls = tlsInfo(cfg, cfg.clientTls(), cfg.clientAutoTls(), false, all);
    List<Listener> out = new ArrayList<>();
    for (URI u : cfg.listenClientUrls()) {
      out.add(bound(client(u, Listener.Role.CLIENT, tls), loops, opened));
    }
    for (URI u : cfg.listenClientHttpUrls()) {
      out.add(bound(client(u, Listener.Role.CLIENT_HTTP, tls), loops, opened));
    }
    return out;
  }

  static List<Listener> bindMetrics(Config cfg, EventLoops loops, Deque<AutoCloseable> opened)
      throws ListenException, TlsConfigException {
    TlsInfo tls = tlsInfo(cfg, cfg.clientTls(), false, false, cfg.listenMetricsUrls());
    List<Listener> out = new ArrayList<>();
    for (URI u : cfg.listenMetricsUrls()) {
      out.add(bound(client(u, Listener.Role.CLIENT_HTTP, tls), loops, opened));
    }
    return out;
  }

  private static Listener.Builder client(URI u, Listener.Role role, TlsInfo tls)
      throws TlsConfigException {
    Listener.Builder b = Listener.builder(u).role(role);
    if (!tls.isEmpty()) {
      b.tls(EtcdServerTls.forClientPort(tls));
    }
    return b.tlsConfigured(!tls.isEmpty(), tls.clientCertAuth());
  }

  private static Listener bound(Listener.Builder b, EventLoops loops, Deque<AutoCloseable> opened)
      throws ListenException {
    Listener l = b.bind(loops);
    opened.push(l);
    return l;
  }

  /** The listen URL with an ephemeral port replaced by the port actually bound. */
  static URI boundUrl(Listener l) {
    URI u = l.url();
    if (u.getPort() != 0 || l.port() < 0) {
      return u;
    }
    try {
      return new URI(u.getScheme(), null, u.getHost(), l.port(), u.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The transport's {@link TlsInfo} for one side: the files given, or with auto-TLS and no files a
   * self-signed pair under {@code <data-dir>/fixtures/{client,peer}} (etcd keeps the cipher suites
   * and TLS versions on it too).
   */
  static TlsInfo tlsInfo(Config cfg, TlsConfig t, boolean autoTls, boolean peer, List<URI> urls)
      throws TlsConfigException {
    TlsInfo.Builder b;
    if (t.isEmpty() && autoTls) {
      List<String> hosts = urls.stream().map(u -> u.getHost() + ":" + u.getPort()).toList();
      Path dir = cfg.effectiveDataDir();
      b =
          SelfCert.selfCert(
              peer ? SelfCert.peerFixturesDir(dir) : SelfCert.clientFixturesDir(dir), hosts)
              .toBuilder();
    } else {
      b =
          TlsInfo.builder()
              .certFile(t.certFile())
              .keyFile(t.keyFile())
              .trustedCaFile(t.trustedCaFile())
              .clientCertAuth(t.clientCertAuth())
              .crlFile(t.crlFile())
              .allowedCn(t.allowedCn())
              .allowedHostname(t.allowedHostname())
              .skipClientSanVerify(t.skipClientSanVerify());
    }
    b.cipherSuites(cfg.cipherSuites());
    if (!cfg.tlsMinVersion().isEmpty()) {
      b.minVersion(TlsVersion.parse(cfg.tlsMinVersion()));
    }
    if (!cfg.tlsMaxVersion().isEmpty()) {
      b.maxVersion(TlsVersion.parse(cfg.tlsMaxVersion()));
    }
    return b.build();
  }
}
