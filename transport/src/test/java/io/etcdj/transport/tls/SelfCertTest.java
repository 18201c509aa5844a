package io.etcdj.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd 3.4 {@code pkg/transport/listener.go SelfCert}: generated once, reused on restart. */
class SelfCertTest {
  @TempDir Path dataDir;

  static X509Certificate read(Path p) throws Exception {
    try (InputStream in = Files.newInputStream(p)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void theSansAreTheListenHostsIpsAsIpAndNamesAsDns() throws Exception {
    Path dir = SelfCert.peerFixturesDir(dataDir);
    TlsInfo info = SelfCert.selfCert(dir, List.of("127.0.0.1:2380", "localhost:2380"));
    assertThat(info.certFile()).isEqualTo(dir.resolve("cert.pem").toString());
    assertThat(info.keyFile()).isEqualTo(dir.resolve("key.pem").toString());
    X509Certificate c = read(Path.of(info.certFile()));
    // GeneralName type 2 = dNSName, 7 = iPAddress.
    assertThat(
            c.getSubjectAlternativeNames().stream()
                .map(n -> n.get(0) + "=" + n.get(1))
                .collect(Collectors.toList()))
        .containsExactlyInAnyOrder("2=localhost", "7=127.0.0.1");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(info.keyFile()))))
        .isEqualTo("rw-------");
  }

  @Test
  void aRestartReusesTheExistingPairInsteadOfRegenerating() throws Exception {
    Path dir = SelfCert.clientFixturesDir(dataDir);
    TlsInfo first = SelfCert.selfCert(dir, List.of("127.0.0.1:2379"));
    byte[] cert = Files.readAllBytes(Path.of(first.certFile()));
    byte[] key = Files.readAllBytes(Path.of(first.keyFile()));
    TlsInfo second = SelfCert.selfCert(dir, List.of("127.0.0.1:2379", "other:2379"));
    assertThat(second.certFile()).isEqualTo(first.certFile());
    assertThat(Files.readAllBytes(Path.of(second.certFile()))).isEqualTo(cert);
    assertThat(Files.readAllBytes(Path.of(second.keyFile()))).isEqualTo(key);
  }
}
