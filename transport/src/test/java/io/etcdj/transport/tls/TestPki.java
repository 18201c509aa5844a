package io.etcdj.transport.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test CAs and certificates written as PEM files (the role of etcd's {@code integration/fixtures}).
 * EC P-256 keys, so generating them is fast.
 */
final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(1000);

  record Ca(String name, KeyPair key, X509Certificate cert) {}

  /** A leaf written to disk: certificate file, key file, and its serial. */
  record Leaf(Path certFile, Path keyFile, X509Certificate x509) {
    public String cert() {
      return certFile.toString();
    }

    public String key() {
      return keyFile.toString();
    }
  }

  private final Path dir;

  TestPki(Path dir) {
    this.dir = dir;
  }

  static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  Ca ca(String name) {
    KeyPair kp = ecKey();
    X500Name subject = new X500Name("CN=" + name + ",O=etcdj-test");
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(Instant.now().minus(Duration.ofHours(1))),
              Date.from(Instant.now().plus(Duration.ofDays(10))),
              subject,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = convert(b.build(signer(kp)));
      Ca ca = new Ca(name, kp, cert);
      writePem(caFile(ca), cert);
      return ca;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  Path caFile(Ca ca) {
    return dir.resolve(ca.name + "-ca.pem");
  }

  /** A leaf for both server and client use, with IP and DNS SANs. */
  Leaf leaf(Ca ca, String name, String cn, List<String> ips, List<String> dns) {
    return leaf(ca, name, cn, ips, dns, BigInteger.valueOf(SERIALS.incrementAndGet()));
  }

  Leaf leaf(Ca ca, String name, String cn, List<String> ips, List<String> dns, BigInteger serial) {
    KeyPair kp = ecKey();
    try {
      X500Name subject = new X500Name(cn.isEmpty() ? "O=etcdj-test" : "CN=" + cn + ",O=etcdj-test");
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              ca.cert,
              serial,
              Date.from(Instant.now().minus(Duration.ofHours(1))),
              Date.from(Instant.now().plus(Duration.ofDays(5))),
              subject,
              kp.getPublic());
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
      if (!names.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate cert = convert(b.build(signer(ca.key)));
      Path certFile = dir.resolve(name + ".pem");
      Path keyFile = dir.resolve(name + "-key.pem");
      writePem(certFile, cert);
      writePem(
          keyFile, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null));
      return new Leaf(certFile, keyFile, cert);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A leaf for 127.0.0.1 / localhost. */
  Leaf localLeaf(Ca ca, String name, String cn) {
    return leaf(ca, name, cn, List.of("127.0.0.1"), List.of("localhost"));
  }

  Path crl(Ca ca, String name, BigInteger... revoked) {
    try {
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              new X500Name(ca.cert.getSubjectX500Principal().getName()), new Date());
      b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
      for (BigInteger s : revoked) {
        b.addCRLEntry(s, new Date(), CRLReason.keyCompromise);
      }
      X509CRLHolder crl = b.build(signer(ca.key));
      Path p = dir.resolve(name + ".crl");
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
        pw.writeObject(crl);
      }
      replace(p, w.toString());
      return p;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces a file atomically by rename, as cert rotation tooling does. */
  static void replace(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "tmp", ".pem");
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void copyOver(Path from, Path to) throws IOException {
    replace(to, Files.readString(from, StandardCharsets.US_ASCII));
  }

  private static ContentSigner signer(KeyPair kp) throws GeneralSecurityException {
    try {
      return new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static X509Certificate convert(org.bouncycastle.cert.X509CertificateHolder h)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  private static void writePem(Path p, Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      replace(p, w.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
