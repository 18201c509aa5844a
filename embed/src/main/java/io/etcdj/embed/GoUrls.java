package io.etcdj.embed;

import com.google.common.net.InetAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * etcd's URL-list rules ({@code types.NewURLs}) and the pieces of Go's {@code net} package its
 * checks use ({@code SplitHostPort}, {@code ParseIP}), with Go's error texts.
 *
 * <p>Threading: stateless.
 */
public final class GoUrls {
  private GoUrls() {}

  /** Parses a comma-separated list as {@link #parseList}. */
  public static List<URI> parse(String commaSeparated) {
    return parseList(List.of(commaSeparated.split(",", -1)));
  }

  /**
   * etcd's {@code types.NewURLs}: each entry trimmed, scheme http/https/unix/unixs, a {@code
   * host:port} authority and no path; the result sorted by text.
   *
   * @throws IllegalArgumentException with etcd's text for the first bad entry
   */
  public static List<URI> parseList(List<String> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no valid URLs given");
    }
    List<URI> out = new ArrayList<>(entries.size());
    for (String raw : entries) {
      String in = raw.strip();
      URI u;
      try {
        u = new URI(in);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("parse " + GoText.quote(in) + ": " + e.getReason(), e);
      }
      String scheme = u.getScheme();
      if (!"http".equals(scheme)
          && !"https".equals(scheme)
          && !"unix".equals(scheme)
          && !"unixs".equals(scheme)) {
        throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + in);
      }
      try {
        splitHostPort(host(u));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "URL address does not have the form \"host:port\": " + in, e);
      }
      String path = u.isOpaque() ? u.getRawSchemeSpecificPart() : u.getRawPath();
      if (path != null && !path.isEmpty()) {
        throw new IllegalArgumentException("URL must not contain a path: " + in);
      }
      out.add(u);
    }
    out.sort(Comparator.comparing(URI::toString));
    return List.copyOf(out);
  }

  /** Go's {@code url.URL.Host}: the authority without user info, or empty. */
  public static String host(URI u) {
    String a = u.getRawAuthority();
    if (a == null) {
      return "";
    }
    int at = a.lastIndexOf('@');
    return at >= 0 ? a.substring(at + 1) : a;
  }

  /** Comma-joined text of URLs, as etcd prints lists. */
  public static String join(List<URI> urls) {
    return urls.stream().map(URI::toString).collect(Collectors.joining(","));
  }

  /**
   * Go's {@code net.SplitHostPort}: {@code [host, port]}, brackets removed from IPv6 hosts.
   *
   * @throws IllegalArgumentException with Go's {@code address ...: ...} text
   */
  public static String[] splitHostPort(String hostport) {
    String host;
    int j = 0;
    int k = 0;
    int i = hostport.lastIndexOf(':');
    if (i < 0) {
      throw addrErr(hostport, "missing port in address");
    }
    if (hostport.startsWith("[")) {
      int end = hostport.indexOf(']');
      if (end < 0) {
        throw addrErr(hostport, "missing ']' in address");
      }
      if (end + 1 == hostport.length()) {
        throw addrErr(hostport, "missing port in address");
      }
      if (end + 1 != i) {
        throw addrErr(
            hostport,
            hostport.charAt(end + 1) == ':'
                ? "too many colons in address"
                : "missing port in address");
      }
      host = hostport.substring(1, end);
      j = 1;
      k = end + 1;
    } else {
      host = hostport.substring(0, i);
      if (host.indexOf(':') >= 0) {
        throw addrErr(hostport, "too many colons in address");
      }
    }
    if (hostport.indexOf('[', j) >= 0) {
      throw addrErr(hostport, "unexpected '[' in address");
    }
    if (hostport.indexOf(']', k) >= 0) {
      throw addrErr(hostport, "unexpected ']' in address");
    }
    return new String[] {host, hostport.substring(i + 1)};
  }

  private static IllegalArgumentException addrErr(String addr, String why) {
    return new IllegalArgumentException("address " + addr + ": " + why);
  }

  /** Go's {@code net.ParseIP(host) != nil}: a literal IPv4 or IPv6 address, no zone. */
  public static boolean isIp(String host) {
    return !host.isEmpty() && host.indexOf('%') < 0 && InetAddresses.isInetAddress(host);
  }
}
