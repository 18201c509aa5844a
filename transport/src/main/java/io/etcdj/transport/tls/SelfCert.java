package io.etcdj.transport.tls;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code transport.SelfCert} for {@code --auto-tls} / {@code --peer-auto-tls}: a self-signed
 * certificate and key in {@code <data-dir>/fixtures/client} or {@code <data-dir>/fixtures/peer},
 * reused when both files already exist.
 *
 * <p>As etcd 3.4: an ECDSA P-521 key (SEC1 "EC PRIVATE KEY", mode 0600) signed with
 * SHA512withECDSA; subject {@code O=etcd}; a random 128-bit serial; valid for 365 days from now;
 * key usage keyEncipherment + digitalSignature, extended key usage serverAuth; basic constraints
 * not a CA; one SAN per listen host (IP SAN for IPs, DNS SAN otherwise). etcd 3.4 has no {@code
 * --self-signed-cert-validity} (added in 3.5), so the validity is fixed.
 *
 * <p>The returned {@link TlsInfo} has only the two files and {@code selfCert} set, as in etcd: all
 * other TLS flags of that port are dropped by auto-TLS, except the cipher suites (and, 3.4.25+, the
 * versions) that etcd re-applies, which the caller adds with {@link TlsInfo#toBuilder()}.
 */
public final class SelfCert {
  private static final Logger LOG = LoggerFactory.getLogger(SelfCert.class);
  private static final Duration VALIDITY = Duration.ofDays(365);
  static final String CERT_FILE = "cert.pem";
  static final String KEY_FILE = "key.pem";

  private SelfCert() {}

  /** {@code <data-dir>/fixtures/client}, where {@code --auto-tls} keeps its files. */
  public static Path clientFixturesDir(Path dataDir) {
    return dataDir.resolve("fixtures").resolve("client");
  }

  /** {@code <data-dir>/fixtures/peer}, where {@code --peer-auto-tls} keeps its files. */
  public static Path peerFixturesDir(Path dataDir) {
    return dataDir.resolve("fixtures").resolve("peer");
  }

  /**
   * Creates (or reuses) the self-signed pair in {@code dir} for {@code hosts}, the {@code
   * host:port} of each listen URL.
   */
  public static TlsInfo selfCert(Path dir, List<String> hosts) throws TlsConfigException {
    return selfCert(dir, hosts, Clock.systemUTC(), new SecureRandom());
  }

  /** As {@link #selfCert(Path, List)} with an injected clock and randomness. */
  public static TlsInfo selfCert(Path dir, List<String> hosts, Clock clock, SecureRandom random)
      throws TlsConfigException {
    touchDirAll(dir);
    Path certPath = dir.resolve(CERT_FILE);
    Path keyPath = dir.resolve(KEY_FILE);
    if (!(Files.exists(certPath) && Files.exists(keyPath))) {
      generate(certPath, keyPath, hosts, clock, random);
    }
    return TlsInfo.builder()
        .certFile(certPath.toString())
        .keyFile(keyPath.toString())
        .selfCert(true)
        .build();
  }

  private static void touchDirAll(Path dir) throws TlsConfigException {
    try {
      if (Files.isDirectory(dir)) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (!perms.equals(PosixFilePermissions.fromString("rwx------"))) {
          LOG.warn(
              "check file permission: directory {} exist, but the permission is {}", dir, perms);
        }
        return;
      }
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot create cert directory {}: {}", dir, e.toString());
      throw new TlsConfigException("mkdir " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void generate(
      Path certPath, Path keyPath, List<String> hosts, Clock clock, SecureRandom random)
      throws TlsConfigException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp521r1"), random);
      KeyPair kp = g.generateKeyPair();
      BigInteger serial = new BigInteger(128, random);
      X500Name subject =
          new X500Name(new RDN[] {new RDN(BCStyle.O, new DERPrintableString("etcd"))});
      Instant now = clock.instant();
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              subject,
              serial,
              Date.from(now),
              Date.from(now.plus(VALIDITY)),
              subject,
              SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
      // Go's extension order and criticality: key usage (critical), EKU, basic constraints
      // (critical), SANs (DNS names before IPs).
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      List<GeneralName> names = sans(hosts);
      if (!names.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509CertificateHolder cert =
          b.build(new JcaContentSignerBuilder("SHA512withECDSA").build(kp.getPrivate()));

      Files.writeString(certPath, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
      LOG.info("created cert file {}", certPath);
      writePrivate(keyPath, pem("EC PRIVATE KEY", sec1(kp)));
      LOG.info("created key file {}", keyPath);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      LOG.warn("cannot generate x509 certificate: {}", e.toString());
      throw new TlsConfigException("cannot generate self-signed certificate: " + e, e);
    }
  }

  /** SEC1 with the curve and public key, as Go's {@code MarshalECPrivateKey}. */
  private static byte[] sec1(KeyPair kp) throws IOException {
    ECPrivateKey priv = (ECPrivateKey) kp.getPrivate();
    DERBitString pub =
        new DERBitString(
            SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded())
                .getPublicKeyData()
                .getBytes());
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            521, priv.getS(), pub, SECObjectIdentifiers.secp521r1)
        .getEncoded();
  }

  private static List<GeneralName> sans(List<String> hosts) {
    List<GeneralName> dns = new ArrayList<>();
    List<GeneralName> ips = new ArrayList<>();
    for (String host : hosts) {
      String h = hostOf(host);
      if (InetAddresses.isInetAddress(h)) {
        ips.add(new GeneralName(GeneralName.iPAddress, h));
      } else {
        dns.add(new GeneralName(GeneralName.dNSName, h));
      }
    }
    dns.addAll(ips);
    return dns;
  }

  private static String hostOf(String hostPort) {
    try {
      return HostAndPort.fromString(hostPort).getHost();
    } catch (IllegalArgumentException e) {
      return hostPort;
    }
  }

  private static String pem(String type, byte[] der) {
    StringWriter w = new StringWriter();
    try (PemWriter p = new PemWriter(w)) {
      p.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void writePrivate(Path keyPath, String text) throws IOException {
    try {
      Files.createFile(
          keyPath,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // etcd truncates an existing key file (O_TRUNC) and keeps its mode.
    }
    Files.writeString(
        keyPath,
        text,
        StandardCharsets.US_ASCII,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }
}
