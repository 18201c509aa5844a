package io.etcdj.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.transport.tls.TestPki.Ca;
import io.etcdj.transport.tls.TestPki.Leaf;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real loopback handshakes against {@link EtcdServerTls}, on both TLS providers. Mirrors etcd's
 * {@code pkg/transport/listener_test.go} ({@code TestNewListenerTLSInfo*}, {@code
 * TestTLSInfoConfigFuncs}) and the client-cert / CRL / allowed-CN cases of {@code
 * integration/v3_tls_test.go} and {@code e2e/etcd_config_test.go}.
 */
class EtcdServerTlsTest {
  @TempDir Path dir;
  TestPki pki;
  Ca ca;
  Ca otherCa;
  Leaf server;

  static Stream<SslProvider> providers() {
    return OpenSsl.isAvailable()
        ? Stream.of(SslProvider.JDK, SslProvider.OPENSSL)
        : Stream.of(SslProvider.JDK);
  }

  @BeforeEach
  void setUp() {
    pki = new TestPki(dir);
    ca = pki.ca("ca");
    otherCa = pki.ca("other");
    server = pki.localLeaf(ca, "server", "server");
  }

  TlsInfo.Builder serverInfo() {
    return TlsInfo.builder().certFile(server.cert()).keyFile(server.key());
  }

  TlsInfo clientInfo(Leaf leaf) {
    return TlsInfo.builder()
        .certFile(leaf == null ? "" : leaf.cert())
        .keyFile(leaf == null ? "" : leaf.key())
        .trustedCaFile(pki.caFile(ca).toString())
        .build();
  }

  static TlsHarness.Outcome dial(TlsHarness h, EtcdClientTls client) throws Exception {
    return h.connect(ch -> client.newHandler(List.of(), ch.alloc(), "127.0.0.1", 0));
  }

  @Test
  void openSslIsUsedWhereAvailable() throws Exception {
    EtcdServerTls tls = EtcdServerTls.forClientPort(serverInfo().build());
    assertThat(tls.provider())
        .isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void withoutClientCertAuthAClientWithoutCertIsAccepted(SslProvider p) throws Exception {
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forClientPort(serverInfo().build(), p), List.of())) {
      TlsHarness.Outcome o = dial(h, EtcdClientTls.create(clientInfo(null), p));
      assertThat(o.accepted()).as(o.error()).isTrue();
      assertThat(o.protocol()).isEqualTo("TLSv1.3");
      assertThat(o.serverSerial()).isEqualTo(server.x509().getSerialNumber());
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void clientCertAuthRefusesAClientWithoutCert(SslProvider p) throws Exception {
    TlsInfo info =
        serverInfo().clientCertAuth(true).trustedCaFile(pki.caFile(ca).toString()).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(null), p)).accepted()).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void clientCertAuthAcceptsACertFromTheTrustedCa(SslProvider p) throws Exception {
    Leaf client = pki.localLeaf(ca, "client", "client");
    TlsInfo info =
        serverInfo().clientCertAuth(true).trustedCaFile(pki.caFile(ca).toString()).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      TlsHarness.Outcome o = dial(h, EtcdClientTls.create(clientInfo(client), p));
      assertThat(o.accepted()).as(o.error() + h.serverErrors).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void aCertFromAnotherCaIsRefused(SslProvider p) throws Exception {
    Leaf stranger = pki.localLeaf(otherCa, "stranger", "client");
    TlsInfo info =
        serverInfo().clientCertAuth(true).trustedCaFile(pki.caFile(ca).toString()).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(stranger), p)).accepted()).isFalse();
    }
  }

  /** etcd's ServerConfig: a trusted CA alone (without --client-cert-auth) requires client certs. */
  @ParameterizedTest
  @MethodSource("providers")
  void aTrustedCaAloneRequiresClientCerts(SslProvider p) throws Exception {
    TlsInfo info = serverInfo().trustedCaFile(pki.caFile(ca).toString()).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(null), p)).accepted()).isFalse();
    }
  }

  /** listener_tls.go checkCRL: a revoked client certificate is refused; a CRL edit applies next. */
  /** Go's {@code %x} of {@code SerialNumber.Bytes()}: two digits per byte, so "03ec" not "3ec". */
  static String goHex(X509Certificate c) {
    String h = c.getSerialNumber().toString(16);
    return h.length() % 2 == 0 ? h : "0" + h;
  }

  @ParameterizedTest
  @MethodSource("providers")
  void aRevokedCertIsRefusedAndCrlChangesApplyToTheNextHandshake(SslProvider p) throws Exception {
    Leaf client = pki.localLeaf(ca, "client", "client");
    Path crl = pki.crl(ca, "crl", BigInteger.valueOf(1));
    TlsInfo info =
        serverInfo()
            .clientCertAuth(true)
            .trustedCaFile(pki.caFile(ca).toString())
            .crlFile(crl.toString())
            .build();
    EtcdClientTls c = EtcdClientTls.create(clientInfo(client), p);
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, c).accepted()).isTrue();
      pki.crl(ca, "crl", client.x509().getSerialNumber());
      assertThat(dial(h, c).accepted()).isFalse();
      assertThat(h.serverErrors)
          .anyMatch(
              e ->
                  e.contains("transport: certificate serial " + goHex(client.x509()) + " revoked"));
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void allowedCnAcceptsTheNamedPeerAndRefusesOthers(SslProvider p) throws Exception {
    Leaf good = pki.localLeaf(ca, "good", "etcd-peer");
    Leaf bad = pki.localLeaf(ca, "bad", "intruder");
    TlsInfo info =
        serverInfo()
            .clientCertAuth(true)
            .trustedCaFile(pki.caFile(ca).toString())
            .allowedCn("etcd-peer")
            .build();
    try (TlsHarness h =
        new TlsHarness(
            EtcdServerTls.forPeerPort(info, p, HostResolver.SYSTEM), List.of("http/1.1"))) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(good), p)).accepted()).isTrue();
      assertThat(dial(h, EtcdClientTls.create(clientInfo(bad), p)).accepted()).isFalse();
      assertThat(h.serverErrors).anyMatch(e -> e.contains(PeerChecks.AUTH_FAILED));
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void allowedHostnameMatchesSansNotTheCommonName(SslProvider p) throws Exception {
    Leaf good = pki.leaf(ca, "good", "x", List.of("127.0.0.1"), List.of("peer.example.com"));
    Leaf cnOnly = pki.leaf(ca, "cnonly", "peer.example.com", List.of("127.0.0.1"), List.of());
    TlsInfo info =
        serverInfo()
            .clientCertAuth(true)
            .trustedCaFile(pki.caFile(ca).toString())
            .allowedHostname("peer.example.com")
            .build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(good), p)).accepted()).isTrue();
      assertThat(dial(h, EtcdClientTls.create(clientInfo(cnOnly), p)).accepted()).isFalse();
    }
  }

  /** listener_tls.go checkCertSAN on peer ports; TestNewListenerTLSInfoSkipClientSANVerify. */
  @ParameterizedTest
  @MethodSource("providers")
  void peerPortsCheckTheClientSanAgainstTheRemoteAddressUnlessSkipped(SslProvider p)
      throws Exception {
    Leaf elsewhere = pki.leaf(ca, "elsewhere", "peer", List.of("10.0.0.1"), List.of());
    TlsInfo info =
        serverInfo().clientCertAuth(true).trustedCaFile(pki.caFile(ca).toString()).build();
    EtcdClientTls c = EtcdClientTls.create(clientInfo(elsewhere), p);
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forPeerPort(info, p, HostResolver.SYSTEM), List.of())) {
      assertThat(dial(h, c).accepted()).isFalse();
      assertThat(h.serverErrors).contains("x509: certificate is valid for 10.0.0.1, not 127.0.0.1");
    }
    TlsInfo skip = info.toBuilder().skipClientSanVerify(true).build();
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forPeerPort(skip, p, HostResolver.SYSTEM), List.of())) {
      assertThat(dial(h, c).accepted()).isTrue();
    }
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, c).accepted()).as("client ports do not check SANs").isTrue();
    }
  }

  @Test
  void aDnsSanResolvingToTheRemoteAddressPassesThePeerSanCheck() throws Exception {
    Leaf named = pki.leaf(ca, "named", "peer", List.of(), List.of("peer1.cluster"));
    HostResolver fake =
        new HostResolver() {
          @Override
          public List<String> lookupAddr(String ip) {
            return List.of();
          }

          @Override
          public List<String> lookupHost(String name) {
            return name.equals("peer1.cluster") ? List.of("127.0.0.1") : List.of();
          }
        };
    TlsInfo info =
        serverInfo().clientCertAuth(true).trustedCaFile(pki.caFile(ca).toString()).build();
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forPeerPort(info, SslProvider.JDK, fake), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(named), SslProvider.JDK)).accepted())
          .isTrue();
    }
    Leaf unknown = pki.leaf(ca, "unknown", "peer", List.of(), List.of("peer9.cluster"));
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forPeerPort(info, SslProvider.JDK, fake), List.of())) {
      assertThat(dial(h, EtcdClientTls.create(clientInfo(unknown), SslProvider.JDK)).accepted())
          .isFalse();
      assertThat(h.serverErrors)
          .contains("tls: \"127.0.0.1\" does not match any of DNSNames [\"peer9.cluster\"]");
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void minAndMaxVersionsBoundTheNegotiatedProtocol(SslProvider p) throws Exception {
    TlsInfo only12 = serverInfo().maxVersion(TlsVersion.TLS1_2).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(only12, p), List.of())) {
      TlsHarness.Outcome o = dial(h, EtcdClientTls.create(clientInfo(null), p));
      assertThat(o.accepted()).isTrue();
      assertThat(o.protocol()).isEqualTo("TLSv1.2");
    }
    TlsInfo only13 = serverInfo().minVersion(TlsVersion.TLS1_3).build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(only13, p), List.of())) {
      TlsInfo client12 = clientInfo(server).toBuilder().maxVersion(TlsVersion.TLS1_2).build();
      assertThat(dial(h, EtcdClientTls.create(client12, p)).accepted()).isFalse();
      assertThat(dial(h, EtcdClientTls.create(clientInfo(null), p)).protocol())
          .isEqualTo("TLSv1.3");
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void configuredCipherSuitesRestrictTls12(SslProvider p) throws Exception {
    TlsInfo info =
        serverInfo()
            .maxVersion(TlsVersion.TLS1_2)
            .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"))
            .build();
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      TlsHarness.Outcome o = dial(h, EtcdClientTls.create(clientInfo(null), p));
      assertThat(o.accepted()).as(o.error()).isTrue();
      assertThat(o.cipher()).isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    }
  }

  /**
   * etcd 3.4's ServerConfig sets MinVersion TLS 1.2 (listener.go baseConfig); a TLS 1.1 client is
   * refused by the server, not only by its own library: the server records a failed handshake.
   */
  @ParameterizedTest
  @MethodSource("providers")
  void aTls11ClientIsRefused(SslProvider p) throws Exception {
    try (TlsHarness h =
        new TlsHarness(EtcdServerTls.forClientPort(serverInfo().build(), p), List.of())) {
      Process s =
          new ProcessBuilder(
                  "openssl",
                  "s_client",
                  "-connect",
                  "127.0.0.1:" + h.port(),
                  "-tls1_1",
                  "-cipher",
                  "DEFAULT@SECLEVEL=0",
                  "-CAfile",
                  pki.caFile(ca).toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(s.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(s.exitValue()).as(out).isNotZero();
      assertThat(out).contains("alert protocol version");
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void alpnNegotiatesTheAskedProtocols(SslProvider p) throws Exception {
    try (TlsHarness h =
        new TlsHarness(
            EtcdServerTls.forClientPort(serverInfo().build(), p), List.of("h2", "http/1.1"))) {
      EtcdClientTls c = EtcdClientTls.create(clientInfo(null), p);
      TlsHarness.Outcome o =
          h.connect(ch -> c.newHandler(List.of("h2"), ch.alloc(), "127.0.0.1", 0));
      assertThat(o.alpn()).isEqualTo("h2");
    }
  }

  /** etcd re-reads the key pair per handshake (GetCertificate); TestTLSInfoConfigFuncs. */
  @ParameterizedTest
  @MethodSource("providers")
  void aCertificateReplacedOnDiskIsServedOnTheNextHandshake(SslProvider p) throws Exception {
    EtcdServerTls tls = EtcdServerTls.forClientPort(serverInfo().build(), p);
    EtcdClientTls c = EtcdClientTls.create(clientInfo(null), p);
    try (TlsHarness h = new TlsHarness(tls, List.of())) {
      assertThat(dial(h, c).serverSerial()).isEqualTo(server.x509().getSerialNumber());
      Leaf next = pki.localLeaf(ca, "next", "server");
      TestPki.copyOver(next.keyFile(), server.keyFile());
      TestPki.copyOver(next.certFile(), server.certFile());
      assertThat(dial(h, c).serverSerial()).isEqualTo(next.x509().getSerialNumber());
    }
  }

  @Test
  void anUnchangedCertificateReusesTheContext() throws Exception {
    EtcdServerTls tls = EtcdServerTls.forClientPort(serverInfo().build(), SslProvider.JDK);
    assertThat(tls.serverContext(List.of("h2"))).isSameAs(tls.serverContext(List.of("h2")));
    assertThat(tls.serverContext(List.of("h2"))).isNotSameAs(tls.serverContext(List.of()));
  }

  @Test
  void aHalfRotatedPairFailsThatHandshakeAndRecoversOnceComplete() throws Exception {
    EtcdServerTls tls = EtcdServerTls.forClientPort(serverInfo().build(), SslProvider.JDK);
    Leaf next = pki.localLeaf(ca, "next", "server");
    TestPki.copyOver(next.certFile(), server.certFile());
    assertThatThrownBy(() -> tls.serverContext(List.of()))
        .isInstanceOf(CertificateReloadException.class)
        .hasMessage("tls: private key does not match public key");
    TestPki.copyOver(next.keyFile(), server.keyFile());
    assertThat(tls.serverContext(List.of())).isNotNull();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void aReplacedCaIsUsedOnTheNextHandshake(SslProvider p) throws Exception {
    Path caFile = dir.resolve("bundle.pem");
    TestPki.copyOver(pki.caFile(ca), caFile);
    Leaf fromOther = pki.localLeaf(otherCa, "fromother", "client");
    TlsInfo info = serverInfo().clientCertAuth(true).trustedCaFile(caFile.toString()).build();
    EtcdClientTls c = EtcdClientTls.create(clientInfo(fromOther), p);
    try (TlsHarness h = new TlsHarness(EtcdServerTls.forClientPort(info, p), List.of())) {
      assertThat(dial(h, c).accepted()).isFalse();
      TestPki.copyOver(pki.caFile(otherCa), caFile);
      assertThat(dial(h, c).accepted()).isTrue();
    }
  }

  /** TestTLSInfoNonexist / TestTLSInfoMissingFields / TestNewListenerTLSEmptyInfo. */
  @Test
  void startupErrorsUseEtcdsTexts() {
    assertThatThrownBy(() -> EtcdServerTls.forClientPort(TlsInfo.EMPTY))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("KeyFile and CertFile must both be present[key: , cert: ]");
    TlsInfo missing =
        TlsInfo.builder().certFile("/nonexist/c.pem").keyFile("/nonexist/k.pem").build();
    assertThatThrownBy(() -> EtcdServerTls.forClientPort(missing))
        .hasMessage("open /nonexist/c.pem: no such file or directory");
    TlsInfo swapped = TlsInfo.builder().certFile(server.key()).keyFile(server.cert()).build();
    assertThatThrownBy(() -> EtcdServerTls.forClientPort(swapped))
        .hasMessage(
            "tls: failed to find certificate PEM data in certificate input, but did find a"
                + " private key; PEM inputs may have been switched");
  }

  @Test
  void pkcs8KeysAreAccepted() throws Exception {
    String pem = Files.readString(server.keyFile());
    assertThat(pem).contains("BEGIN PRIVATE KEY");
    assertThat(PemFiles.readKeyPair(server.cert(), server.key()).key().getAlgorithm())
        .isEqualTo("EC");
  }
}
