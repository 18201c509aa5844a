package io.etcdj.etcdhttp;

import java.util.concurrent.CompletableFuture;

/**
 * An HTTP endpoint. {@link #handle} must not block: it returns at once, and the future completes
 * (on whatever thread finishes the work) with the answer. The router's adapter writes the answer on
 * the connection's own event loop.
 */
@FunctionalInterface
public interface HttpHandler {
  CompletableFuture<HttpResponse> handle(HttpRequest request);
}
