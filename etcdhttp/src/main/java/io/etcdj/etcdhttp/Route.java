package io.etcdj.etcdhttp;

import static java.util.Objects.requireNonNull;

/**
 * One registration for a Go {@code http.ServeMux}-style router: {@code pattern} without a trailing
 * slash matches exactly that path; with a trailing slash it matches every path under it (the
 * longest registered pattern wins). Paths nothing matches get Go's {@code 404 page not found\n}
 * ({@link PlainText#notFound()}).
 */
public record Route(String pattern, HttpHandler handler) {
  public Route {
    requireNonNull(pattern, "pattern");
    requireNonNull(handler, "handler");
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("pattern must start with /: " + pattern);
    }
  }
}
