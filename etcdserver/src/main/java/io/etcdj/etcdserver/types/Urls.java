package io.etcdj.etcdserver.types;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code pkg/types/urls.go}: a validated, sorted list of peer or client URLs, with etcd's error
 * texts.
 *
 * <p>Immutable; safe from any thread.
 */
public record Urls(List<GoUrl> urls) {

  public Urls {
    urls = List.copyOf(urls);
  }

  /**
   * {@code types.NewURLs}: trims each string, parses it, requires an http/https/unix/unixs scheme,
   * a {@code host:port} address and no path, and sorts the result by string form.
   *
   * @throws IllegalArgumentException with etcd's text, e.g. {@code URL scheme must be http, https,
   *     unix, or unixs: ftp://a:1}
   */
  public static Urls parse(List<String> strs) {
    if (strs.isEmpty()) {
      throw new IllegalArgumentException("no valid URLs given");
    }
    List<GoUrl> all = new ArrayList<>(strs.size());
    for (String s : strs) {
      String in = s.strip();
      GoUrl u = GoUrl.parse(in);
      String scheme = u.scheme();
      if (!scheme.equals("http")
          && !scheme.equals("https")
          && !scheme.equals("unix")
          && !scheme.equals("unixs")) {
        throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + in);
      }
      if (splitHostPortError(u.host()) != null) {
        throw new IllegalArgumentException(
            "URL address does not have the form \"host:port\": " + in);
      }
      if (!u.path().isEmpty()) {
        throw new IllegalArgumentException("URL must not contain a path: " + in);
      }
      all.add(u);
    }
    all.sort(Comparator.comparing(GoUrl::toString));
    return new Urls(all);
  }

  /** {@code URLs.StringSlice()}: the string forms, in this list's order. */
  public List<String> strings() {
    List<String> out = new ArrayList<>(urls.size());
    for (GoUrl u : urls) {
      out.add(u.toString());
    }
    return out;
  }

  /** {@code URLs.String()}: the string forms joined by ",". */
  @Override
  public String toString() {
    return String.join(",", strings());
  }

  /**
   * Why Go's {@code net.SplitHostPort} rejects {@code hostport}, or null when it accepts it (an
   * empty port, as in {@code "host:"}, is accepted, as in Go).
   */
  public static String splitHostPortError(String hostport) {
    int i = hostport.lastIndexOf(':');
    if (i < 0) {
      return "missing port in address";
    }
    int j = 0;
    int k = 0;
    if (hostport.charAt(0) == '[') {
      int end = hostport.indexOf(']');
      if (end < 0) {
        return "missing ']' in address";
      }
      if (end + 1 == hostport.length()) {
        return "missing port in address";
      } else if (end + 1 != i) {
        return hostport.charAt(end + 1) == ':'
            ? "too many colons in address"
            : "missing port in address";
      }
      j = 1;
      k = end + 1;
    } else if (hostport.substring(0, i).indexOf(':') >= 0) {
      return "too many colons in address";
    }
    if (hostport.indexOf('[', j) >= 0) {
      return "unexpected '[' in address";
    }
    if (hostport.indexOf(']', k) >= 0) {
      return "unexpected ']' in address";
    }
    return null;
  }
}
