package io.etcdj.transport;

import java.net.URI;
import java.util.Locale;

/** The URL schemes etcd listens on ({@code pkg/transport/listener.go#newListener}). */
public enum Scheme {
  HTTP(false, false),
  HTTPS(true, false),
  UNIX(false, true),
  UNIXS(true, true);

  private final boolean secure;
  private final boolean unix;

  Scheme(boolean secure, boolean unix) {
    this.secure = secure;
    this.unix = unix;
  }

  public boolean secure() {
    return secure;
  }

  public boolean unix() {
    return unix;
  }

  /** The scheme of {@code url}; anything but the four names is refused. */
  public static Scheme of(URI url) {
    String s = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    switch (s) {
      case "http":
        return HTTP;
      case "https":
        return HTTPS;
      case "unix":
        return UNIX;
      case "unixs":
        return UNIXS;
      default:
        throw new IllegalArgumentException("unsupported URL scheme \"" + s + "\" in " + url);
    }
  }
}
