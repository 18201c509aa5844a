package io.etcdj.transport.tls;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Go's {@code x509.Certificate.VerifyHostname} (Go 1.19, which built etcd 3.4.23): IP hosts match
 * only IP SANs, names match only DNS SANs (no Common Name fallback), a left-most {@code *} label is
 * a wildcard. Used for the allowed-hostname and SAN checks and for client-side server verification,
 * so all three agree with etcd.
 */
final class GoHostnames {
  private GoHostnames() {}

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  /** Returns null when {@code host} matches, else Go's {@code HostnameError} text. */
  static String verifyHostname(X509Certificate cert, String host) {
    String candidateIp = host;
    if (host.length() >= 3 && host.startsWith("[") && host.endsWith("]")) {
      candidateIp = host.substring(1, host.length() - 1);
    }
    List<InetAddress> ips = ipSans(cert);
    List<String> dns = dnsSans(cert);
    if (InetAddresses.isInetAddress(candidateIp)) {
      InetAddress ip = InetAddresses.forString(candidateIp);
      for (InetAddress c : ips) {
        if (sameIp(c, ip)) {
          return null;
        }
      }
      return hostnameError(cert, ips, dns, candidateIp);
    }
    String candidate = lower(host);
    boolean validCandidate = validHostname(candidate, false);
    for (String match : dns) {
      if (validCandidate && validHostname(match, true)) {
        if (matchHostnames(match, candidate)) {
          return null;
        }
      } else if (matchExactly(match, candidate)) {
        return null;
      }
    }
    return hostnameError(cert, ips, dns, host);
  }

  private static String hostnameError(
      X509Certificate cert, List<InetAddress> ips, List<String> dns, String host) {
    if (!hasSanExtension(cert) && matchHostnames(commonName(cert), host)) {
      return "x509: certificate relies on legacy Common Name field, use SANs instead";
    }
    String valid;
    if (InetAddresses.isInetAddress(host)) {
      if (ips.isEmpty()) {
        return "x509: cannot validate certificate for "
            + host
            + " because it doesn't contain any IP SANs";
      }
      List<String> s = new ArrayList<>();
      ips.forEach(ip -> s.add(goIpString(ip)));
      valid = String.join(", ", s);
    } else {
      valid = String.join(", ", dns);
    }
    if (valid.isEmpty()) {
      return "x509: certificate is not valid for any names, but wanted to match " + host;
    }
    return "x509: certificate is valid for " + valid + ", not " + host;
  }

  static boolean sameIp(InetAddress a, InetAddress b) {
    return toV6(a).equals(toV6(b));
  }

  private static InetAddress toV6(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      byte[] v6 = new byte[16];
      v6[10] = (byte) 0xff;
      v6[11] = (byte) 0xff;
      System.arraycopy(b, 0, v6, 12, 4);
      try {
        return InetAddress.getByAddress(v6);
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
    return a;
  }

  /** Go's {@code net.IP.String()}: dotted IPv4, compressed IPv6. */
  static String goIpString(InetAddress ip) {
    return InetAddresses.toAddrString(ip);
  }

  private static boolean validHostname(String host, boolean isPattern) {
    if (!isPattern && host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      return false;
    }
    String[] parts = host.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        return false;
      }
      if (isPattern && i == 0 && part.equals("*")) {
        continue;
      }
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || (c >= 'A' && c <= 'Z')
                || (c == '-' && j != 0)
                || c == '_';
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matchExactly(String a, String b) {
    if (a.isEmpty() || a.equals(".") || b.isEmpty() || b.equals(".")) {
      return false;
    }
    return lower(a).equals(lower(b));
  }

  private static boolean matchHostnames(String pattern, String host) {
    pattern = lower(pattern);
    host = lower(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
    if (pattern.isEmpty() || host.isEmpty()) {
      return false;
    }
    String[] p = pattern.split("\\.", -1);
    String[] h = host.split("\\.", -1);
    if (p.length != h.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (i == 0 && p[i].equals("*")) {
        continue;
      }
      if (!p[i].equals(h[i])) {
        return false;
      }
    }
    return true;
  }

  private static String lower(String s) {
    // ASCII only, as Go's toLowerCaseASCII.
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return b.toString();
  }

  static List<InetAddress> ipSans(X509Certificate cert) {
    List<InetAddress> out = new ArrayList<>();
    for (List<?> san : sans(cert)) {
      if (((Integer) san.get(0)) == SAN_IP && san.get(1) instanceof String s) {
        if (InetAddresses.isInetAddress(s)) {
          out.add(InetAddresses.forString(s));
        }
      }
    }
    return out;
  }

  static List<String> dnsSans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    for (List<?> san : sans(cert)) {
      if (((Integer) san.get(0)) == SAN_DNS && san.get(1) instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean hasSanExtension(X509Certificate cert) {
    return cert.getExtensionValue("2.5.29.17") != null;
  }

  private static Collection<List<?>> sans(X509Certificate cert) {
    try {
      Collection<List<?>> s = cert.getSubjectAlternativeNames();
      return s == null ? List.of() : s;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** The subject's Common Name ("" when absent), as Go's {@code Subject.CommonName}. */
  static String commonName(X509Certificate cert) {
    X500Principal p = cert.getSubjectX500Principal();
    RDN[] cns = X500Name.getInstance(p.getEncoded()).getRDNs(BCStyle.CN);
    if (cns.length == 0) {
      return "";
    }
    // Go keeps the last CN attribute when several are present.
    ASN1Encodable v = cns[cns.length - 1].getFirst().getValue();
    return v instanceof ASN1String str ? str.getString() : IETFUtils.valueToString(v);
  }
}
