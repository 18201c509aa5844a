package io.etcdj.etcdhttp;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What every client-port HTTP request passes through before the mux ({@code embed/serve.go} {@code
 * accessController}): the {@code /v3beta/} rewrite; on a plain-HTTP listener, the host whitelist
 * ({@code 421} with etcd's CVE-2018-5702 text, before any CORS header); the CORS headers on every
 * other answer; and {@code 200} with an empty body for {@code OPTIONS} on any path.
 *
 * <p>Immutable; safe from any thread.
 */
public final class ClientAccessController implements HttpHandler {
  private final Set<String> hostWhitelist;
  private final Set<String> corsOrigins;
  private final boolean tls;
  private final HttpHandler mux;

  /**
   * @param hostWhitelist {@code --host-whitelist} (empty or containing {@code *}: every host)
   * @param corsOrigins {@code --cors} (empty or containing {@code *}: every origin)
   * @param tls whether this listener is HTTPS (then the whitelist is not checked)
   * @param mux the router holding the client routes
   */
  public ClientAccessController(
      Set<String> hostWhitelist, Set<String> corsOrigins, boolean tls, HttpHandler mux) {
    this.hostWhitelist = Set.copyOf(hostWhitelist);
    this.corsOrigins = Set.copyOf(corsOrigins);
    this.tls = tls;
    this.mux = mux;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest request) {
    HttpRequest r = request;
    if (r.path().startsWith("/v3beta/")) {
      r = r.withPath("/v3/" + r.path().substring("/v3beta/".length()));
    }
    if (!tls) {
      String host = hostname(r.host());
      if (!hostAllowed(host)) {
        return PlainText.done(PlainText.error(421, cve20185702(host)));
      }
    }
    HttpHeaders cors = HttpHeaders.empty();
    if (originAllowed("*")) {
      cors = corsHeaders("*");
    } else {
      String origin = r.headers().get("Origin");
      if (originAllowed(origin == null ? "" : origin)) {
        cors = corsHeaders(origin == null ? "" : origin);
      }
    }
    if (r.method().equals("OPTIONS")) {
      return PlainText.done(new HttpResponse.Full(200, cors, new byte[0]));
    }
    HttpHeaders extra = cors;
    CompletableFuture<HttpResponse> inner = mux.handle(r);
    CompletableFuture<HttpResponse> outer = inner.thenApply(resp -> withHeadersFirst(resp, extra));
    // Cancelling the answer (the client went away) reaches the handler that produces it.
    outer.whenComplete(
        (resp, err) -> {
          if (outer.isCancelled()) {
            inner.cancel(false);
          }
        });
    return outer;
  }

  private boolean hostAllowed(String host) {
    return hostWhitelist.isEmpty() || hostWhitelist.contains("*") || hostWhitelist.contains(host);
  }

  private boolean originAllowed(String origin) {
    return corsOrigins.isEmpty() || corsOrigins.contains("*") || corsOrigins.contains(origin);
  }

  static HttpHeaders corsHeaders(String origin) {
    return HttpHeaders.of(
        "Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE",
        "Access-Control-Allow-Origin", origin,
        "Access-Control-Allow-Headers", "accept, content-type, authorization");
  }

  private static HttpResponse withHeadersFirst(HttpResponse resp, HttpHeaders first) {
    if (first.isEmpty()) {
      return resp;
    }
    if (resp instanceof HttpResponse.Full f) {
      return new HttpResponse.Full(f.status(), first.withAll(f.headers()), f.body(), f.trailers());
    }
    HttpResponse.Chunked c = (HttpResponse.Chunked) resp;
    return new HttpResponse.Chunked(c.status(), first.withAll(c.headers()), c.body());
  }

  /** {@code httputil.GetHostname}: the Host without its port, or as it is if it has none. */
  static String hostname(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close > 0 && host.length() > close + 1 && host.charAt(close + 1) == ':') {
        return host.substring(1, close);
      }
      return host;
    }
    int colon = host.indexOf(':');
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
      return host.substring(0, colon);
    }
    return host;
  }

  /** {@code errCVE20185702}: Go's {@code %q} of the host is a JSON-like quoted string. */
  static String cve20185702(String host) {
    return "\netcd received your request, but the Host header was unrecognized.\n\n"
        + "To fix this, choose one of the following options:\n"
        + "- Enable TLS, then any HTTPS request will be allowed.\n"
        + "- Add the hostname you want to use to the whitelist in settings.\n"
        + "  - e.g. etcd --host-whitelist "
        + goQuote(host)
        + "\n\n"
        + "This requirement has been added to help prevent \"DNS Rebinding\" attacks"
        + " (CVE-2018-5702).\n";
  }

  private static String goQuote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
