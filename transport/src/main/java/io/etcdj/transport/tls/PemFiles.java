package io.etcdj.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads certificates, keys, CA bundles and CRLs the way Go's {@code tls.X509KeyPair}, {@code
 * tlsutil.NewCertPool} and {@code x509.ParseCRL} do, failing with their texts. Keys may be PKCS#8
 * ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"), as in Go.
 */
final class PemFiles {
  private PemFiles() {}

  /** A certificate chain (leaf first) and its private key. */
  record KeyPair(X509Certificate[] chain, PrivateKey key) {}

  static KeyPair readKeyPair(String certFile, String keyFile) throws TlsConfigException {
    String certPem = readFile(certFile);
    String keyPem = readFile(keyFile);
    List<PemObject> certBlocks = pemBlocks(certPem);
    List<X509Certificate> chain = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (PemObject b : certBlocks) {
      if (b.getType().equals("CERTIFICATE")) {
        chain.add(parseCertificate(b.getContent()));
      } else {
        skipped.add(b.getType());
      }
    }
    if (chain.isEmpty()) {
      if (skipped.isEmpty()) {
        throw new TlsConfigException("tls: failed to find any PEM data in certificate input");
      }
      if (skipped.size() == 1 && skipped.get(0).endsWith("PRIVATE KEY")) {
        throw new TlsConfigException(
            "tls: failed to find certificate PEM data in certificate input, but did find a private"
                + " key; PEM inputs may have been switched");
      }
      throw new TlsConfigException(
          "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM"
              + " blocks of the following types: "
              + GoText.list(skipped));
    }
    PrivateKey key = parsePrivateKey(keyPem);
    checkMatches(chain.get(0).getPublicKey(), key);
    return new KeyPair(chain.toArray(X509Certificate[]::new), key);
  }

  /** Every certificate in a CA file, as {@code tlsutil.NewCertPool} collects them. */
  static List<X509Certificate> readCertPool(String caFile) throws TlsConfigException {
    List<X509Certificate> out = new ArrayList<>();
    for (PemObject b : pemBlocks(readFile(caFile))) {
      out.add(parseCertificate(b.getContent()));
    }
    return out;
  }

  /**
   * The revoked serial numbers of a CRL (PEM or DER), by magnitude as Go compares {@code
   * SerialNumber.Bytes()}. Like etcd, the CRL's signature is not checked.
   */
  static Set<BigInteger> readRevokedSerials(String crlFile) throws TlsConfigException {
    byte[] bytes = readBytes(crlFile);
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      X509CRL crl = (X509CRL) f.generateCRL(new ByteArrayInputStream(bytes));
      Set<BigInteger> out = new HashSet<>();
      Set<? extends X509CRLEntry> revoked = crl.getRevokedCertificates();
      if (revoked != null) {
        for (X509CRLEntry e : revoked) {
          out.add(e.getSerialNumber().abs());
        }
      }
      return out;
    } catch (CertificateException | CRLException | RuntimeException e) {
      throw new TlsConfigException("x509: malformed crl: " + e.getMessage(), e);
    }
  }

  static X509Certificate parseCertificate(byte[] der) throws TlsConfigException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new TlsConfigException("x509: malformed certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey parsePrivateKey(String keyPem) throws TlsConfigException {
    List<PemObject> blocks = pemBlocks(keyPem);
    List<String> skipped = new ArrayList<>();
    for (PemObject b : blocks) {
      if (b.getType().equals("PRIVATE KEY") || b.getType().endsWith(" PRIVATE KEY")) {
        return convertKey(b);
      }
      skipped.add(b.getType());
    }
    if (skipped.isEmpty()) {
      throw new TlsConfigException("tls: failed to find any PEM data in key input");
    }
    if (skipped.size() == 1 && skipped.get(0).equals("CERTIFICATE")) {
      throw new TlsConfigException(
          "tls: found a certificate rather than a key in the PEM for the private key");
    }
    throw new TlsConfigException(
        "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after"
            + " skipping PEM blocks of the following types: "
            + GoText.list(skipped));
  }

  private static PrivateKey convertKey(PemObject block) throws TlsConfigException {
    String pem =
        "-----BEGIN "
            + block.getType()
            + "-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(block.getContent())
            + "\n-----END "
            + block.getType()
            + "-----\n";
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      PrivateKeyInfo pki = null;
      if (o instanceof PEMKeyPair kp) {
        pki = kp.getPrivateKeyInfo();
      } else if (o instanceof PrivateKeyInfo info) {
        pki = info;
      }
      if (pki != null) {
        // The JDK's key factories, not BouncyCastle's provider (which is not registered).
        String oid = pki.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String alg =
            switch (oid) {
              case "1.2.840.10045.2.1" -> "EC";
              case "1.3.101.112" -> "Ed25519";
              default -> "RSA";
            };
        return java.security.KeyFactory.getInstance(alg)
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pki.getEncoded()));
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new TlsConfigException("tls: failed to parse private key", e);
    } catch (IOException | RuntimeException e) {
      throw new TlsConfigException("tls: failed to parse private key", e);
    }
    throw new TlsConfigException("tls: failed to parse private key");
  }

  /** Go checks the key against the leaf's public key; a signature round trip does the same. */
  private static void checkMatches(PublicKey pub, PrivateKey key) throws TlsConfigException {
    String keyAlg = normalize(key.getAlgorithm());
    String pubAlg = normalize(pub.getAlgorithm());
    if (!keyAlg.equals(pubAlg)) {
      if (!(pubAlg.equals("RSA") || pubAlg.equals("EC") || pubAlg.equals("EdDSA"))) {
        throw new TlsConfigException("tls: unknown public key algorithm");
      }
      throw new TlsConfigException("tls: private key type does not match public key type");
    }
    String sigAlg =
        switch (keyAlg) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA" -> "Ed25519";
          default -> throw new TlsConfigException("tls: unknown public key algorithm");
        };
    if (pub instanceof RSAPublicKey && key instanceof java.security.interfaces.RSAPrivateKey rk) {
      if (!((RSAPublicKey) pub).getModulus().equals(rk.getModulus())) {
        throw new TlsConfigException("tls: private key does not match public key");
      }
      return;
    }
    try {
      byte[] probe = "etcdj key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(sigAlg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(sigAlg);
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(sig)) {
        throw new TlsConfigException("tls: private key does not match public key");
      }
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new TlsConfigException("tls: private key does not match public key", e);
    }
  }

  private static String normalize(String alg) {
    return switch (alg) {
      case "ECDSA" -> "EC";
      case "Ed25519", "EdDSA" -> "EdDSA";
      default -> alg;
    };
  }

  private static List<PemObject> pemBlocks(String text) throws TlsConfigException {
    List<PemObject> out = new ArrayList<>();
    try (Reader r = new StringReader(text);
        PemReader p = new PemReader(r)) {
      for (PemObject o = p.readPemObject(); o != null; o = p.readPemObject()) {
        out.add(o);
      }
    } catch (IOException | RuntimeException e) {
      // Go stops at the first undecodable block; what came before still counts.
      return out;
    }
    return out;
  }

  private static String readFile(String path) throws TlsConfigException {
    return new String(readBytes(path), StandardCharsets.ISO_8859_1);
  }

  /** Reads a file, failing with Go's {@code os.ReadFile} text ("open x: no such file ..."). */
  static byte[] readBytes(String path) throws TlsConfigException {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new TlsConfigException("open " + path + ": no such file or directory", e);
    } catch (AccessDeniedException e) {
      throw new TlsConfigException("open " + path + ": permission denied", e);
    } catch (IOException | RuntimeException e) {
      throw new TlsConfigException("open " + path + ": " + e.getMessage(), e);
    }
  }
}
