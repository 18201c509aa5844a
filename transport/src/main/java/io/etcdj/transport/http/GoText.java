package io.etcdj.transport.http;

import java.nio.charset.StandardCharsets;

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
