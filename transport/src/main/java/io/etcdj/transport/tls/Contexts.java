package io.etcdj.transport.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;

/** The settings every etcd TLS context shares: versions, cipher suites, ALPN, provider. */
final class Contexts {
  private Contexts() {}

  /** OpenSSL (BoringSSL via tcnative) where it loads, the JDK otherwise. */
  static SslProvider defaultProvider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  static SslContextBuilder common(
      SslContextBuilder b, TlsInfo info, SslProvider provider, List<String> alpn)
      throws TlsConfigException {
    b.sslProvider(provider)
        .protocols(TlsVersion.jdkProtocols(info.minVersion(), info.maxVersion()));
    List<String> suites = CipherSuites.enabledJdkSuites(info.cipherSuites());
    b.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
    if (!alpn.isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              alpn));
    }
    return b;
  }

  /** etcd's {@code ServerConfig}: a CA file alone already makes client certificates required. */
  static ClientAuth clientAuth(TlsInfo info) {
    return info.clientCertAuth() || !info.trustedCaFile().isEmpty()
        ? ClientAuth.REQUIRE
        : ClientAuth.NONE;
  }
}
