package io.etcdj.transport.http;

/**
 * Serves one HTTP request (HTTP/1.1, or one HTTP/2 stream over TLS). Called on the connection's
 * event loop, so it must not block: hand work to its owner and answer through {@link HttpExchange}
 * (from any thread) when the work completes.
 */
@FunctionalInterface
public interface HttpHandler {
  /** Throwing answers 500 (if nothing was sent yet) and is logged. */
  void handle(HttpExchange exchange) throws Exception;
}
