package io.etcdj.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configuration checks with etcd's texts: {@code pkg/transport/listener.go baseConfig}, {@code
 * pkg/tlsutil} {@code GetCipherSuite} / {@code GetTLSVersion}, {@code embed.Config.Validate}.
 */
class TlsConfigTest {
  static TlsInfo.Builder withPair() {
    return TlsInfo.builder().certFile("s.crt").keyFile("s.key");
  }

  @Test
  void aMissingKeyOrCertIsRefusedWithBaseConfigsText() {
    assertThatThrownBy(() -> TlsInfo.builder().certFile("s.crt").build().validate())
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("KeyFile and CertFile must both be present[key: , cert: s.crt]");
  }

  @Test
  void allowedCnAndAllowedHostnameAreMutuallyExclusive() {
    assertThatThrownBy(
            () -> withPair().allowedCn("a").allowedHostname("b.example").build().validate())
        .hasMessage(
            "AllowedCN and AllowedHostname are mutually exclusive (cn=\"a\", hostname=\"b.example\")");
  }

  @Test
  void anUnknownCipherSuiteIsRefusedWithTlsutilsText() {
    assertThatThrownBy(() -> withPair().cipherSuites(List.of("TLS_FOO")).build().validate())
        .hasMessage("unexpected TLS cipher suite \"TLS_FOO\"");
  }

  @Test
  void thePreIanaChachaSpellingsMapToTheIanaNames() throws Exception {
    assertThat(CipherSuites.toJdkName("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"))
        .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(CipherSuites.toJdkName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
        .isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  /** Netty's default list has no ChaCha20; Go's has, so an unconfigured context must offer it. */
  @Test
  void noConfiguredSuitesMeansGosDefaultsPlusTls13() throws Exception {
    assertThat(CipherSuites.enabledJdkSuites(List.of()))
        .contains("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
        .containsAll(CipherSuites.TLS13_SUITES);
  }

  @Test
  void anUnknownVersionIsRefusedWithTlsutilsText() {
    assertThatThrownBy(() -> TlsVersion.parse("TLS1.1"))
        .hasMessage("unexpected TLS version \"TLS1.1\" (must be one of: TLS1.2, TLS1.3)");
  }

  @Test
  void versionsParseFromTheirFlagSpelling() throws Exception {
    assertThat(TlsVersion.parse("")).isEqualTo(TlsVersion.DEFAULT);
    assertThat(TlsVersion.parse("TLS1.2")).isEqualTo(TlsVersion.TLS1_2);
    assertThat(TlsVersion.parse("TLS1.3")).isEqualTo(TlsVersion.TLS1_3);
  }

  @Test
  void minAboveMaxIsRefused() {
    assertThatThrownBy(
            () ->
                withPair()
                    .minVersion(TlsVersion.TLS1_3)
                    .maxVersion(TlsVersion.TLS1_2)
                    .build()
                    .validate())
        .hasMessage("min version (TLS1.3) is greater than max version (TLS1.2)");
  }

  @Test
  void cipherSuitesWithOnlyTls13AreRefused() {
    assertThatThrownBy(
            () ->
                withPair()
                    .minVersion(TlsVersion.TLS1_3)
                    .cipherSuites(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                    .build()
                    .validate())
        .hasMessage("cipher suites cannot be configured when only TLS1.3 is enabled");
  }
}
