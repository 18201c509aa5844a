package io.etcdj.etcdserver.types;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A URL parsed the way Go's {@code net/url.Parse} splits it, and printed back as {@code
 * URL.String()} does. etcd hashes and compares peer URLs by that string form, so a member ID only
 * matches etcd's if the URL text is normalised the same way (the scheme is lower-cased, everything
 * else is kept as given).
 *
 * <p>This covers the URL shapes etcd accepts for peers and clients ({@code scheme://[user@]host
 * [:port][/path][?query][#fragment]} and {@code scheme:opaque}); it does not re-escape paths.
 *
 * <p>Immutable; safe from any thread.
 */
public record GoUrl(
    String scheme,
    String opaque,
    String user,
    String host,
    String path,
    String rawQuery,
    String fragment) {

  public GoUrl {
    requireNonNull(scheme, "scheme");
    requireNonNull(opaque, "opaque");
    requireNonNull(host, "host");
    requireNonNull(path, "path");
    requireNonNull(rawQuery, "rawQuery");
    requireNonNull(fragment, "fragment");
  }

  /**
   * Parses {@code raw} like {@code url.Parse}.
   *
   * @throws IllegalArgumentException with Go's text, {@code parse "<raw>": <reason>}
   */
  public static GoUrl parse(String raw) {
    String rest = raw;
    String fragment = "";
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.substring(hash + 1);
      rest = rest.substring(0, hash);
    }
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw error(raw, "net/url: invalid control character in URL");
      }
    }
    String scheme = "";
    int colon = schemeEnd(rest);
    if (colon == 0) {
      throw error(raw, "missing protocol scheme");
    }
    if (colon > 0) {
      scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
      rest = rest.substring(colon + 1);
    }
    String rawQuery = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      rawQuery = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    if (!rest.startsWith("/") && !scheme.isEmpty()) {
      return new GoUrl(scheme, rest, null, "", "", rawQuery, fragment);
    }
    if (scheme.isEmpty() && !rest.startsWith("/")) {
      int c = rest.indexOf(':');
      int s = rest.indexOf('/');
      if (c >= 0 && (s < 0 || c < s)) {
        throw error(raw, "first path segment in URL cannot contain colon");
      }
    }
    String user = null;
    String host = "";
    if ((!scheme.isEmpty() || !rest.startsWith("///")) && rest.startsWith("//")) {
      String authority = rest.substring(2);
      int slash = authority.indexOf('/');
      rest = slash >= 0 ? authority.substring(slash) : "";
      authority = slash >= 0 ? authority.substring(0, slash) : authority;
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        user = authority.substring(0, at);
        authority = authority.substring(at + 1);
      }
      checkPort(raw, authority);
      host = authority;
    }
    return new GoUrl(scheme, "", user, host, rest, rawQuery, fragment);
  }

  /** {@code URL.String()}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (!scheme.isEmpty()) {
      b.append(scheme).append(':');
    }
    if (!opaque.isEmpty()) {
      b.append(opaque);
    } else {
      if (!scheme.isEmpty() || !host.isEmpty() || user != null) {
        if (!host.isEmpty() || !path.isEmpty() || user != null) {
          b.append("//");
        }
        if (user != null) {
          b.append(user).append('@');
        }
        b.append(host);
      }
      if (!path.isEmpty() && path.charAt(0) != '/' && !host.isEmpty()) {
        b.append('/');
      }
      b.append(path);
    }
    if (!rawQuery.isEmpty()) {
      b.append('?').append(rawQuery);
    }
    if (!fragment.isEmpty()) {
      b.append('#').append(fragment);
    }
    return b.toString();
  }

  /** Index of the scheme's ':' ({@code getScheme}), or -1 when there is no scheme. */
  private static int schemeEnd(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) {
          return -1;
        }
        continue;
      }
      if (c == ':') {
        return i;
      }
      return -1;
    }
    return -1;
  }

  /** {@code parseHost}'s {@code validOptionalPort}: after the host, ":" and digits only. */
  private static void checkPort(String raw, String hostport) {
    int from = 0;
    if (hostport.startsWith("[")) {
      int end = hostport.lastIndexOf(']');
      if (end < 0) {
        throw error(raw, "missing ']' in host");
      }
      from = end + 1;
      String port = hostport.substring(from);
      if (!port.isEmpty() && !validPort(port)) {
        throw error(raw, "invalid port \"" + port + "\" after host");
      }
      return;
    }
    int colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      String port = hostport.substring(colon);
      if (!validPort(port)) {
        throw error(raw, "invalid port \"" + port + "\" after host");
      }
    }
  }

  private static boolean validPort(String port) {
    if (port.isEmpty() || port.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      char c = port.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException error(String raw, String why) {
    return new IllegalArgumentException("parse \"" + raw + "\": " + why);
  }
}
