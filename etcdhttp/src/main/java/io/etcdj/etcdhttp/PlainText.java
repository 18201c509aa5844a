package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.concurrent.CompletableFuture;

/**
 * The plain-text answers Go's {@code net/http} writes: {@code http.Error} (message plus "\n",
 * {@code text/plain; charset=utf-8}, {@code X-Content-Type-Options: nosniff}), {@code
 * http.NotFound} and the 405 replies etcd's handlers write. Stateless.
 */
public final class PlainText {
  public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

  private PlainText() {}

  /** Go's {@code http.Error(w, message, status)}. */
  public static HttpResponse.Full error(int status, String message) {
    return error(status, message, HttpHeaders.empty());
  }

  /** {@code http.Error} after the handler had already set {@code extra} headers. */
  public static HttpResponse.Full error(int status, String message, HttpHeaders extra) {
    HttpHeaders h =
        extra.withAll(
            HttpHeaders.of("Content-Type", TEXT_PLAIN, "X-Content-Type-Options", "nosniff"));
    return new HttpResponse.Full(status, h, (message + "\n").getBytes(UTF_8));
  }

  /** {@code http.NotFound}: {@code 404 page not found\n}. */
  public static HttpResponse.Full notFound() {
    return error(404, "404 page not found");
  }

  /** A 405 with {@code Allow: <allowed>} (etcd's {@code allowMethod}). */
  public static HttpResponse.Full methodNotAllowed(String allowed) {
    return error(405, "Method Not Allowed", HttpHeaders.of("Allow", allowed));
  }

  /** A 405 without an {@code Allow} header (the lease handlers, the gateway). */
  public static HttpResponse.Full methodNotAllowed() {
    return error(405, "Method Not Allowed");
  }

  public static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
