package io.etcdj.transport.tls;

import java.util.List;

/**
 * The values of etcd's {@code --tls-min-version} / {@code --tls-max-version} (etcd 3.4.25+, {@code
 * pkg/tlsutil/versions.go}). {@link #DEFAULT} means "let the TLS stack decide": TLS 1.2 as minimum
 * (etcd's own floor) and TLS 1.3 as maximum (Go's default).
 */
public enum TlsVersion {
  DEFAULT("", 0),
  TLS1_2("TLS1.2", 0x0303),
  TLS1_3("TLS1.3", 0x0304);

  private final String flag;
  private final int wireVersion;

  TlsVersion(String flag, int wireVersion) {
    this.flag = flag;
    this.wireVersion = wireVersion;
  }

  /** The flag spelling: "", "TLS1.2" or "TLS1.3". */
  public String flag() {
    return flag;
  }

  /**
   * Parses a flag value with etcd's {@code tlsutil.GetTLSVersion} error text.
   *
   * @throws TlsConfigException {@code unexpected TLS version "x" (must be one of: TLS1.2, TLS1.3)}
   */
  public static TlsVersion parse(String flag) throws TlsConfigException {
    for (TlsVersion v : values()) {
      if (v.flag.equals(flag)) {
        return v;
      }
    }
    throw new TlsConfigException(
        "unexpected TLS version " + GoText.quote(flag) + " (must be one of: TLS1.2, TLS1.3)");
  }

  /**
   * The checks of etcd's {@code embed.Config.Validate} (3.4.25+) on the version range and cipher
   * suites, with its texts.
   */
  public static void validateRange(TlsVersion min, TlsVersion max, List<String> cipherSuites)
      throws TlsConfigException {
    if (max != DEFAULT && min.wireVersion > max.wireVersion) {
      throw new TlsConfigException(
          "min version (" + min.flag + ") is greater than max version (" + max.flag + ")");
    }
    if (min == TLS1_3 && !cipherSuites.isEmpty()) {
      throw new TlsConfigException(
          "cipher suites cannot be configured when only TLS1.3 is enabled");
    }
  }

  /** JSSE protocol names enabled for the range [min, max]; the floor is always TLS 1.2. */
  static List<String> jdkProtocols(TlsVersion min, TlsVersion max) {
    boolean tls12 = min != TLS1_3;
    boolean tls13 = max != TLS1_2;
    if (tls12 && tls13) {
      return List.of("TLSv1.3", "TLSv1.2");
    }
    return tls13 ? List.of("TLSv1.3") : List.of("TLSv1.2");
  }
}
