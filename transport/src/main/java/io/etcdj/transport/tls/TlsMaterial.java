package io.etcdj.transport.tls;

import com.google.common.collect.ImmutableList;
import io.netty.handler.ssl.SslContext;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate, key and CA files of one {@link TlsInfo}, loaded once per change on disk. etcd
 * re-reads the key pair on every handshake ({@code GetCertificate}); here each call to {@link
 * #current()} costs three {@code stat}s and files are re-read only when their mtime, size or inode
 * changed. Contexts built from a snapshot are cached on it, so they are rebuilt only after a change
 * too.
 *
 * <p>Thread-safe: the snapshot is immutable and published through a volatile field; reloads are
 * serialised so concurrent handshakes after a change read the files once.
 */
final class TlsMaterial {
  /** One consistent view of the files. {@code keyPair} is null for a client without a cert. */
  static final class Snapshot {
    final FileStamp cert;
    final FileStamp key;
    final FileStamp ca;
    final PemFiles.KeyPair keyPair;
    final X509TrustManager chainVerifier;
    final boolean systemRoots;
    final ConcurrentHashMap<List<String>, SslContext> contexts = new ConcurrentHashMap<>();

    Snapshot(
        FileStamp cert,
        FileStamp key,
        FileStamp ca,
        PemFiles.KeyPair keyPair,
        X509TrustManager chainVerifier,
        boolean systemRoots) {
      this.cert = cert;
      this.key = key;
      this.ca = ca;
      this.keyPair = keyPair;
      this.chainVerifier = chainVerifier;
      this.systemRoots = systemRoots;
    }
  }

  private static final X509TrustManager REJECT_ALL =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          throw new CertificateException("x509: certificate signed by unknown authority");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          throw new CertificateException("x509: certificate signed by unknown authority");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  private final TlsInfo info;
  private final boolean withKeyPair;
  private volatile Snapshot current;

  /** Loads the files now, failing with etcd's startup error when they cannot be used. */
  TlsMaterial(TlsInfo info, boolean withKeyPair) throws TlsConfigException {
    this.info = info;
    this.withKeyPair = withKeyPair;
    this.current = load();
  }

  /** The snapshot for the next handshake, re-reading files that changed since the last one. */
  Snapshot current() throws TlsConfigException {
    Snapshot s = current;
    if (unchanged(s)) {
      return s;
    }
    synchronized (this) {
      s = current;
      if (unchanged(s)) {
        return s;
      }
      Snapshot fresh = load();
      current = fresh;
      return fresh;
    }
  }

  private boolean unchanged(Snapshot s) {
    return (!withKeyPair
            || (s.cert.equals(FileStamp.of(info.certFile()))
                && s.key.equals(FileStamp.of(info.keyFile()))))
        && s.ca.equals(FileStamp.of(info.trustedCaFile()));
  }

  private Snapshot load() throws TlsConfigException {
    // Stamps are taken before reading, so a write racing the read is seen as a change next time.
    FileStamp certStamp = withKeyPair ? FileStamp.of(info.certFile()) : FileStamp.ABSENT;
    FileStamp keyStamp = withKeyPair ? FileStamp.of(info.keyFile()) : FileStamp.ABSENT;
    FileStamp caStamp = FileStamp.of(info.trustedCaFile());
    PemFiles.KeyPair kp =
        withKeyPair ? PemFiles.readKeyPair(info.certFile(), info.keyFile()) : null;
    List<X509Certificate> cas =
        info.trustedCaFile().isEmpty()
            ? ImmutableList.of()
            : PemFiles.readCertPool(info.trustedCaFile());
    boolean systemRoots = info.trustedCaFile().isEmpty();
    return new Snapshot(
        certStamp, keyStamp, caStamp, kp, chainVerifier(cas, systemRoots), systemRoots);
  }

  /** PKIX over the CA file's certificates, or over the JDK's default roots when there is none. */
  private static X509TrustManager chainVerifier(List<X509Certificate> cas, boolean systemRoots)
      throws TlsConfigException {
    try {
      if (!systemRoots && cas.isEmpty()) {
        return REJECT_ALL; // Go's empty pool: no chain can be verified.
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      if (systemRoots) {
        f.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        f.init(ks);
      }
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new TlsConfigException("no X509TrustManager available");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsConfigException("cannot build trust manager: " + e.getMessage(), e);
    }
  }
}
