package io.etcdj.transport.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and its answer. The request side is immutable; the answer is given once, by {@link
 * #respond}, {@link #error} or {@link #stream}, from any thread (it hops to the event loop). A
 * second answer is refused with {@link IllegalStateException}.
 */
public final class HttpExchange {
  private final HttpServerHandler owner;
  private final String method;
  private final String uri;
  private final QueryStringDecoder query;
  private final HttpHeaders headers;
  private final byte[] body;
  private final String protocol;
  private final SocketAddress remote;
  final CompletableFuture<Void> done = new CompletableFuture<>();
  final AtomicBoolean answered = new AtomicBoolean();

  HttpExchange(
      HttpServerHandler owner,
      String method,
      String uri,
      HttpHeaders headers,
      byte[] body,
      String protocol,
      SocketAddress remote) {
    this.owner = owner;
    this.method = method;
    this.uri = uri;
    this.query = new QueryStringDecoder(uri);
    this.headers = headers;
    this.body = body;
    this.protocol = protocol;
    this.remote = remote;
  }

  public String method() {
    return method;
  }

  /** The request target as sent: escaped path and query. */
  public String uri() {
    return uri;
  }

  /** The escaped path, without query. */
  public String path() {
    return query.rawPath();
  }

  public String rawQuery() {
    return query.rawQuery();
  }

  public Map<String, List<String>> queryParameters() {
    return query.parameters();
  }

  /** The request headers (HTTP/2 pseudo-headers removed). Read-only by convention. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The whole request body (bounded by the route's limit). */
  public byte[] body() {
    return body.clone();
  }

  /** "HTTP/1.1" or "HTTP/2.0", as Go's {@code r.Proto}. */
  public String protocol() {
    return protocol;
  }

  public SocketAddress remoteAddress() {
    return remote;
  }

  /**
   * Completes when the exchange is over: the answer was written, or the client went away first
   * (then a handler should stop producing).
   */
  public CompletableFuture<Void> closeFuture() {
    return done;
  }

  /** A full response with {@code Content-Length}. */
  public void respond(int status, HttpHeaders responseHeaders, byte[] responseBody) {
    owner.respond(this, status, responseHeaders, responseBody);
  }

  public void respond(int status, String contentType, byte[] responseBody) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    respond(status, h, responseBody);
  }

  /** Go's {@code http.Error}: {@code text + "\n"}, text/plain, {@code nosniff}. */
  public void error(int status, String text) {
    owner.respond(this, status, errorHeaders(), (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Starts a streamed response; {@link HttpServerHandler#DEFAULT_MAX_PENDING_BYTES} of backlog. */
  public ResponseStream stream(int status, HttpHeaders responseHeaders) {
    return stream(status, responseHeaders, HttpServerHandler.DEFAULT_MAX_PENDING_BYTES);
  }

  /** As {@link #stream(int, HttpHeaders)}, aborting once {@code maxPendingBytes} are unsent. */
  public ResponseStream stream(int status, HttpHeaders responseHeaders, long maxPendingBytes) {
    return owner.stream(this, status, responseHeaders, maxPendingBytes);
  }

  static HttpHeaders errorHeaders() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.CONTENT_TYPE, GoText.TEXT_PLAIN);
    h.set("X-Content-Type-Options", "nosniff");
    return h;
  }
}
