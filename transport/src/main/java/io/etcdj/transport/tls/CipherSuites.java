package io.etcdj.transport.tls;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcd's {@code --cipher-suites} names (Go's {@code crypto/tls} names, accepted by {@code
 * pkg/tlsutil.GetCipherSuite}) and their JSSE names. Netty converts JSSE names to OpenSSL's when
 * the OpenSSL provider is used.
 *
 * <p>Go ignores configured suites for TLS 1.3 (its TLS 1.3 suites are fixed), so a configured list
 * only restricts TLS 1.2; {@link #enabledJdkSuites} keeps the three TLS 1.3 suites enabled the same
 * way. Suites the local TLS stack does not implement (RC4, 3DES) are accepted as names, as etcd
 * does, and simply never negotiated.
 */
public final class CipherSuites {
  private CipherSuites() {}

  /** Go 1.19 {@code tls.CipherSuites()} plus {@code tls.InsecureCipherSuites()}, by name. */
  private static final ImmutableSet<String> GO_NAMES =
      ImmutableSet.of(
          "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_RSA_WITH_RC4_128_SHA",
          "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
          "TLS_RSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
          "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
          "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");

  /** The two pre-IANA spellings {@code GetCipherSuite} still accepts. */
  private static final ImmutableMap<String, String> LEGACY_ALIASES =
      ImmutableMap.of(
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
              "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * Go's default TLS 1.2 suites, in its preference order (crypto/tls {@code defaultCipherSuites},
   * without 3DES/RC4, which the JDK disables anyway). Netty's own default list leaves out the
   * ChaCha20 suites, so a peer configured with {@code --cipher-suites
   * TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305} could not be reached by an etcdj client that an etcd
   * (Go) client reaches.
   */
  static final ImmutableList<String> GO_DEFAULT_TLS12_SUITES =
      ImmutableList.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_RSA_WITH_AES_256_CBC_SHA");

  static final ImmutableList<String> TLS13_SUITES =
      ImmutableList.of(
          "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /**
   * The JSSE (IANA) name for one etcd {@code --cipher-suites} entry, as {@code
   * tlsutil.GetCipherSuites} resolves it.
   *
   * @throws TlsConfigException {@code unexpected TLS cipher suite "x"}
   */
  public static String toJdkName(String goName) throws TlsConfigException {
    if (GO_NAMES.contains(goName)) {
      return goName; // Go uses the IANA names, which are also JSSE's.
    }
    String alias = LEGACY_ALIASES.get(goName);
    if (alias != null) {
      return alias;
    }
    throw new TlsConfigException("unexpected TLS cipher suite " + GoText.quote(goName));
  }

  /** Maps every entry, failing on the first unknown one like {@code tlsutil.GetCipherSuites}. */
  public static ImmutableList<String> toJdkNames(List<String> goNames) throws TlsConfigException {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    for (String n : goNames) {
      out.add(toJdkName(n));
    }
    return out.build();
  }

  /**
   * The JSSE suites to enable for a configured list. TLS 1.3 entries in the list are dropped and
   * all TLS 1.3 suites kept, as Go does. With no list, Go's defaults.
   */
  static List<String> enabledJdkSuites(List<String> goNames) throws TlsConfigException {
    if (goNames.isEmpty()) {
      List<String> out = new ArrayList<>(GO_DEFAULT_TLS12_SUITES);
      out.addAll(TLS13_SUITES);
      return out;
    }
    Set<String> tls13 = Set.copyOf(TLS13_SUITES);
    List<String> out = new ArrayList<>();
    for (String n : toJdkNames(goNames)) {
      if (!tls13.contains(n) && !out.contains(n)) {
        out.add(n);
      }
    }
    out.addAll(TLS13_SUITES);
    return out;
  }

  /** Visible for tests: every accepted spelling and its JSSE name. */
  static Map<String, String> acceptedNames() {
    ImmutableMap.Builder<String, String> m = ImmutableMap.builder();
    GO_NAMES.forEach(n -> m.put(n, n));
    m.putAll(LEGACY_ALIASES);
    return m.buildOrThrow();
  }
}
