package io.etcdj.embed;

import io.etcdj.etcdhttp.ChunkSink;
import io.etcdj.etcdhttp.HttpHeaders;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.PlainText;
import io.etcdj.etcdhttp.Route;
import io.etcdj.transport.http.HttpExchange;
import io.etcdj.transport.http.HttpHandler;
import io.etcdj.transport.http.HttpRouter;
import io.etcdj.transport.http.ResponseStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts etcdhttp's handlers (which know no Netty) on the transport's router: a request becomes an
 * {@link HttpRequest}, a {@link HttpResponse} is written back, a chunked body is fed through the
 * exchange's {@link ResponseStream} with its backpressure, and a client that goes away cancels it.
 */
final class HttpAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpAdapter.class);

  private HttpAdapter() {}

  /** A router with each route's handler wrapped by {@code wrap} (etcd's access controller). */
  static HttpRouter router(
      List<Route> routes, long maxRequestBytes, UnaryOperator<io.etcdj.etcdhttp.HttpHandler> wrap) {
    return router(routes, r -> maxRequestBytes, wrap);
  }

  /** As above, each route with its own body limit. */
  static HttpRouter router(
      List<Route> routes,
      ToLongFunction<Route> maxRequestBytes,
      UnaryOperator<io.etcdj.etcdhttp.HttpHandler> wrap) {
    HttpRouter.Builder b = HttpRouter.builder();
    for (Route r : routes) {
      b.handle(
          new io.etcdj.transport.http.Route(
              r.pattern(),
              Set.of(),
              maxRequestBytes.applyAsLong(r),
              adapt(wrap.apply(r.handler()))));
    }
    return b.build();
  }

  static HttpHandler adapt(io.etcdj.etcdhttp.HttpHandler h) {
    return ex -> {
      CompletableFuture<HttpResponse> f;
      try {
        f = h.handle(request(ex));
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      // A client that goes away before the answer cancels it (the gateway then cancels its gRPC
      // call: a waiting Lock or Campaign gives up its place, as etcd's request context does).
      CompletableFuture<HttpResponse> pending = f;
      ex.closeFuture().thenRun(() -> pending.cancel(false));
      f.whenComplete(
          (resp, err) -> {
            if (pending.isCancelled()) {
              return; // nobody to answer
            }
            if (err != null) {
              log.warn("HTTP handler for {} failed", ex.path(), err);
              resp = PlainText.error(500, "Internal Server Error");
            }
            write(ex, resp);
          });
    };
  }

  private static HttpRequest request(HttpExchange ex) {
    HttpHeaders headers = HttpHeaders.empty();
    for (Map.Entry<String, String> e : ex.headers()) {
      headers = headers.with(e.getKey(), e.getValue());
    }
    String host = ex.headers().get("Host");
    return HttpRequest.of(ex.method(), ex.path())
        .withQuery(ex.rawQuery() == null ? "" : ex.rawQuery())
        .withHost(host == null ? "" : host)
        .withHeaders(headers)
        .withBody(ex.body());
  }

  private static void write(HttpExchange ex, HttpResponse resp) {
    if (resp instanceof HttpResponse.Full full) {
      // Trailers (the gateway's error details) need a chunked answer; the stream has none, so a
      // full body carries the status and message alone.
      ex.respond(full.status(), netty(full.headers()), full.body());
      return;
    }
    HttpResponse.Chunked chunked = (HttpResponse.Chunked) resp;
    ResponseStream rs = ex.stream(chunked.status(), netty(chunked.headers()));
    ex.closeFuture().thenRun(() -> chunked.body().cancel());
    chunked
        .body()
        .start(
            new ChunkSink() {
              @Override
              public CompletableFuture<Void> write(byte[] chunk) {
                return rs.write(chunk);
              }

              @Override
              public void end(HttpHeaders trailers) {
                rs.end();
              }

              @Override
              public void abort(Throwable cause) {
                rs.abort();
              }
            });
  }

  private static io.netty.handler.codec.http.HttpHeaders netty(HttpHeaders h) {
    io.netty.handler.codec.http.HttpHeaders out = new DefaultHttpHeaders();
    for (HttpHeaders.Field f : h.fields()) {
      out.add(f.name(), f.value());
    }
    return out;
  }
}
