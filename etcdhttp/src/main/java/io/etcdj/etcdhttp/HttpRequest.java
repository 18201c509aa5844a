package io.etcdj.etcdhttp;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP request as the handlers in this module see it: the router's adapter builds it from the
 * wire once the whole body has arrived.
 *
 * @param method the request method, upper case ({@code GET})
 * @param path the URL path, not decoded further than the router decodes it
 * @param rawQuery the query string without {@code ?}, empty when there is none
 * @param host the {@code Host} the client named (for the host whitelist), empty when absent
 * @param headers the request header fields
 * @param body the request body (empty array when none)
 */
public record HttpRequest(
    String method, String path, String rawQuery, String host, HttpHeaders headers, byte[] body) {

  public HttpRequest {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(rawQuery, "rawQuery");
    requireNonNull(host, "host");
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
  }

  /** A request without query, host or body (tests, internal calls). */
  public static HttpRequest of(String method, String path) {
    return new HttpRequest(method, path, "", "", HttpHeaders.empty(), new byte[0]);
  }

  public HttpRequest withBody(byte[] b) {
    return new HttpRequest(method, path, rawQuery, host, headers, b);
  }

  public HttpRequest withQuery(String q) {
    return new HttpRequest(method, path, q, host, headers, body);
  }

  public HttpRequest withHeaders(HttpHeaders h) {
    return new HttpRequest(method, path, rawQuery, host, h, body);
  }

  public HttpRequest withHost(String h) {
    return new HttpRequest(method, path, rawQuery, h, headers, body);
  }

  public HttpRequest withPath(String p) {
    return new HttpRequest(method, p, rawQuery, host, headers, body);
  }

  /** Every value of query parameter {@code name}, decoded as Go's {@code url.ParseQuery} does. */
  public List<String> queryValues(String name) {
    List<String> out = new ArrayList<>();
    if (rawQuery.isEmpty()) {
      return out;
    }
    for (String part : rawQuery.split("[&;]")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      try {
        if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
          out.add(URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        // Go drops a pair it cannot unescape.
      }
    }
    return out;
  }
}
