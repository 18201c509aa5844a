package io.etcdj.transport.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The exact texts Go's net/http writes for the answers the router gives itself. */
final class GoText {
  static final String TEXT_PLAIN = "text/plain; charset=utf-8";
  static final String NOT_FOUND = "404 page not found";
  static final String METHOD_NOT_ALLOWED = "Method Not Allowed";
  static final String TOO_LARGE = "http: request body too large";
  static final String INTERNAL = "Internal Server Error";

  private GoText() {}

  /** {@code http.Redirect}'s body for GET and HEAD. */
  static byte[] redirectBody(String location) {
    return ("<a href=\"" + htmlEscape(location) + "\">Moved Permanently</a>.\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Go's {@code textproto.CanonicalMIMEHeaderKey}: "content-type" → "Content-Type". Go writes
   * HTTP/1.1 header names so; HTTP/2 lowercases them again.
   */
  static String canonicalKey(CharSequence key) {
    StringBuilder b = new StringBuilder(key.length());
    boolean upper = true;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == ' ' || c > 127) {
        return key.toString(); // Go leaves keys with invalid bytes alone
      }
      b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return b.toString();
  }

  static HttpHeaders canonical(HttpHeaders h) {
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, String> e : h) {
      out.add(canonicalKey(e.getKey()), e.getValue());
    }
    return out;
  }

  static String htmlEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '\'' -> b.append("&#39;");
        case '"' -> b.append("&#34;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
