package io.etcdj.transport.tls;

import com.google.common.net.InetAddresses;
import java.math.BigInteger;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * etcd's checks on a client certificate beyond chain validation, each returning null when the
 * certificate passes or etcd's error text when it is refused:
 *
 * <ul>
 *   <li>allowed CN / allowed hostname ({@code baseConfig}'s {@code VerifyPeerCertificate});
 *   <li>CRL ({@code listener_tls.go checkCRL}), re-read when the file changes;
 *   <li>SAN against the remote address ({@code checkCertSAN}, peer ports only).
 * </ul>
 *
 * <p>Thread-safe: the CRL cache is the only state and is swapped atomically.
 */
final class PeerChecks {
  static final String AUTH_FAILED = "client certificate authentication failed";

  private final TlsInfo info;
  private final HostResolver resolver;
  private volatile CrlSnapshot crl = new CrlSnapshot(FileStamp.ABSENT, null);

  private record CrlSnapshot(FileStamp stamp, Set<BigInteger> revoked) {}

  PeerChecks(TlsInfo info, HostResolver resolver) {
    this.info = info;
    this.resolver = resolver;
  }

  String checkAllowed(X509Certificate leaf) {
    if (!info.allowedCn().isEmpty()) {
      return info.allowedCn().equals(GoHostnames.commonName(leaf)) ? null : AUTH_FAILED;
    }
    if (!info.allowedHostname().isEmpty()) {
      return GoHostnames.verifyHostname(leaf, info.allowedHostname()) == null ? null : AUTH_FAILED;
    }
    return null;
  }

  /** Every certificate the peer sent is looked up, as etcd does with {@code PeerCertificates}. */
  String checkCrl(Certificate[] chain) {
    if (info.crlFile().isEmpty() || chain.length == 0) {
      return null;
    }
    Set<BigInteger> revoked;
    try {
      revoked = revokedSerials();
    } catch (TlsConfigException e) {
      return e.getMessage();
    }
    for (Certificate c : chain) {
      if (c instanceof X509Certificate x) {
        BigInteger serial = x.getSerialNumber().abs();
        if (revoked.contains(serial)) {
          return "transport: certificate serial " + GoText.hex(magnitude(serial)) + " revoked";
        }
      }
    }
    return null;
  }

  private Set<BigInteger> revokedSerials() throws TlsConfigException {
    FileStamp now = FileStamp.of(info.crlFile());
    CrlSnapshot s = crl;
    if (s.revoked != null && now != FileStamp.ABSENT && s.stamp.equals(now)) {
      return s.revoked;
    }
    Set<BigInteger> revoked = PemFiles.readRevokedSerials(info.crlFile());
    crl = new CrlSnapshot(now, revoked);
    return revoked;
  }

  /** Go's {@code big.Int.Bytes()}: big-endian magnitude without a sign byte. */
  private static byte[] magnitude(BigInteger v) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      byte[] t = new byte[b.length - 1];
      System.arraycopy(b, 1, t, 0, t.length);
      return t;
    }
    return v.signum() == 0 ? new byte[0] : b;
  }

  /** etcd's {@code checkCertSAN}: the remote IP must match an IP SAN or resolve to a DNS SAN. */
  String checkSan(X509Certificate leaf, String remoteHost) {
    List<String> dns = GoHostnames.dnsSans(leaf);
    boolean hasIps = !GoHostnames.ipSans(leaf).isEmpty();
    if (!hasIps && dns.isEmpty()) {
      return null;
    }
    if (hasIps) {
      String err = GoHostnames.verifyHostname(leaf, remoteHost);
      if (err == null) {
        return null;
      }
      if (dns.isEmpty()) {
        return err;
      }
    }
    String lookupErr = hostInDns(remoteHost, dns);
    if (lookupErr == null) {
      return null;
    }
    return "tls: "
        + GoText.quote(remoteHost)
        + " does not match any of DNSNames "
        + GoText.quoteList(dns)
        + (lookupErr.isEmpty() ? "" : " (" + lookupErr + ")");
  }

  /** Null when matched; otherwise the last look-up error text, or "" if none failed. */
  private String hostInDns(String host, List<String> dnsNames) {
    List<String> wildcards = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String d : dnsNames) {
      if (d.startsWith("*.")) {
        wildcards.add(d.substring(1));
      } else {
        names.add(d);
      }
    }
    String err = "";
    try {
      for (String name : resolver.lookupAddr(host)) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        for (String wc : wildcards) {
          if (n.endsWith(wc)) {
            return null;
          }
        }
        if (names.contains(n)) {
          return null;
        }
      }
    } catch (UnknownHostException e) {
      err = String.valueOf(e.getMessage());
    }
    for (String name : names) {
      try {
        for (String addr : resolver.lookupHost(name)) {
          if (addr.equals(host)
              || (InetAddresses.isInetAddress(addr)
                  && InetAddresses.isInetAddress(host)
                  && GoHostnames.sameIp(
                      InetAddresses.forString(addr), InetAddresses.forString(host)))) {
            return null;
          }
        }
      } catch (UnknownHostException e) {
        err = String.valueOf(e.getMessage());
      }
    }
    return err;
  }
}
