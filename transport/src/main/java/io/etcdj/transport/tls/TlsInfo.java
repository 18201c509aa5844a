package io.etcdj.transport.tls;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * etcd's {@code transport.TLSInfo}: the TLS files and checks of one port (client or peer). Strings
 * are never null; "" means unset, as in Go. Build with {@link #builder()}; {@link #validate()}
 * applies etcd's startup checks that need no file access.
 *
 * @param certFile {@code --cert-file} / {@code --peer-cert-file}
 * @param keyFile {@code --key-file} / {@code --peer-key-file}
 * @param trustedCaFile {@code --trusted-ca-file}; when set, client certificates are required
 * @param clientCertAuth {@code --client-cert-auth}
 * @param crlFile {@code --client-crl-file} / {@code --peer-crl-file}
 * @param insecureSkipVerify client side: do not verify the server's chain or name
 * @param skipClientSanVerify {@code --experimental-peer-skip-client-san-verification}
 * @param serverName client side: the name the server's certificate must match (and SNI)
 * @param allowedCn {@code --peer-cert-allowed-cn}
 * @param allowedHostname {@code --peer-cert-allowed-hostname} / {@code
 *     --client-cert-allowed-hostname}
 * @param cipherSuites {@code --cipher-suites}, Go names in preference order
 * @param emptyCn client side: refuse a client certificate whose CN is not empty (grpc-proxy)
 * @param minVersion {@code --tls-min-version} (3.4.25+)
 * @param maxVersion {@code --tls-max-version} (3.4.25+)
 * @param selfCert set by {@link SelfCert}: the client side skips verification, as etcd's private
 *     {@code selfCert} field does
 */
public record TlsInfo(
    String certFile,
    String keyFile,
    String trustedCaFile,
    boolean clientCertAuth,
    String crlFile,
    boolean insecureSkipVerify,
    boolean skipClientSanVerify,
    String serverName,
    String allowedCn,
    String allowedHostname,
    List<String> cipherSuites,
    boolean emptyCn,
    TlsVersion minVersion,
    TlsVersion maxVersion,
    boolean selfCert) {

  /** No TLS at all. */
  public static final TlsInfo EMPTY = builder().build();

  public TlsInfo {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(trustedCaFile, "trustedCaFile");
    Objects.requireNonNull(crlFile, "crlFile");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(allowedCn, "allowedCn");
    Objects.requireNonNull(allowedHostname, "allowedHostname");
    cipherSuites = ImmutableList.copyOf(cipherSuites);
    Objects.requireNonNull(minVersion, "minVersion");
    Objects.requireNonNull(maxVersion, "maxVersion");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** etcd's {@code TLSInfo.Empty()}: neither a certificate nor a key is configured. */
  public boolean isEmpty() {
    return certFile.isEmpty() && keyFile.isEmpty();
  }

  /** etcd's {@code TLSInfo.String()}, the form its startup logs print. */
  @Override
  public String toString() {
    return "cert = "
        + certFile
        + ", key = "
        + keyFile
        + ", trusted-ca = "
        + trustedCaFile
        + ", client-cert-auth = "
        + clientCertAuth
        + ", crl-file = "
        + crlFile;
  }

  /**
   * The checks of etcd's {@code baseConfig} that need no file access, in its order, with its texts,
   * plus the cipher-suite and version checks of {@code embed}. Loading the files is checked when a
   * context is built ({@link EtcdServerTls}, {@link EtcdClientTls}).
   */
  public void validate() throws TlsConfigException {
    if (keyFile.isEmpty() || certFile.isEmpty()) {
      throw new TlsConfigException(
          "KeyFile and CertFile must both be present[key: "
              + keyFile
              + ", cert: "
              + certFile
              + "]");
    }
    if (!allowedCn.isEmpty() && !allowedHostname.isEmpty()) {
      throw new TlsConfigException(
          "AllowedCN and AllowedHostname are mutually exclusive (cn="
              + GoText.quote(allowedCn)
              + ", hostname="
              + GoText.quote(allowedHostname)
              + ")");
    }
    CipherSuites.toJdkNames(cipherSuites);
    TlsVersion.validateRange(minVersion, maxVersion, cipherSuites);
  }

  /** Fluent builder; every field starts unset ("" / false / empty / {@link TlsVersion#DEFAULT}). */
  public static final class Builder {
    private String certFile = "";
    private String keyFile = "";
    private String trustedCaFile = "";
    private boolean clientCertAuth;
    private String crlFile = "";
    private boolean insecureSkipVerify;
    private boolean skipClientSanVerify;
    private String serverName = "";
    private String allowedCn = "";
    private String allowedHostname = "";
    private List<String> cipherSuites = List.of();
    private boolean emptyCn;
    private TlsVersion minVersion = TlsVersion.DEFAULT;
    private TlsVersion maxVersion = TlsVersion.DEFAULT;
    private boolean selfCert;

    private Builder() {}

    private Builder(TlsInfo i) {
      certFile = i.certFile;
      keyFile = i.keyFile;
      trustedCaFile = i.trustedCaFile;
      clientCertAuth = i.clientCertAuth;
      crlFile = i.crlFile;
      insecureSkipVerify = i.insecureSkipVerify;
      skipClientSanVerify = i.skipClientSanVerify;
      serverName = i.serverName;
      allowedCn = i.allowedCn;
      allowedHostname = i.allowedHostname;
      cipherSuites = i.cipherSuites;
      emptyCn = i.emptyCn;
      minVersion = i.minVersion;
      maxVersion = i.maxVersion;
      selfCert = i.selfCert;
    }

    public Builder certFile(String v) {
      certFile = v;
      return this;
    }

    public Builder keyFile(String v) {
      keyFile = v;
      return this;
    }

    public Builder trustedCaFile(String v) {
      trustedCaFile = v;
      return this;
    }

    public Builder clientCertAuth(boolean v) {
      clientCertAuth = v;
      return this;
    }

    public Builder crlFile(String v) {
      crlFile = v;
      return this;
    }

    public Builder insecureSkipVerify(boolean v) {
      insecureSkipVerify = v;
      return this;
    }

    public Builder skipClientSanVerify(boolean v) {
      skipClientSanVerify = v;
      return this;
    }

    public Builder serverName(String v) {
      serverName = v;
      return this;
    }

    public Builder allowedCn(String v) {
      allowedCn = v;
      return this;
    }

    public Builder allowedHostname(String v) {
      allowedHostname = v;
      return this;
    }

    public Builder cipherSuites(List<String> v) {
      cipherSuites = v;
      return this;
    }

    public Builder emptyCn(boolean v) {
      emptyCn = v;
      return this;
    }

    public Builder minVersion(TlsVersion v) {
      minVersion = v;
      return this;
    }

    public Builder maxVersion(TlsVersion v) {
      maxVersion = v;
      return this;
    }

    public Builder selfCert(boolean v) {
      selfCert = v;
      return this;
    }

    public TlsInfo build() {
      return new TlsInfo(
          certFile,
          keyFile,
          trustedCaFile,
          clientCertAuth,
          crlFile,
          insecureSkipVerify,
          skipClientSanVerify,
          serverName,
          allowedCn,
          allowedHostname,
          cipherSuites,
          emptyCn,
          minVersion,
          maxVersion,
          selfCert);
    }
  }
}
