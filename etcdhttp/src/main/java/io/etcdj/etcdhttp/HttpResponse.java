package io.etcdj.etcdhttp;

import static java.util.Objects.requireNonNull;

/**
 * A handler's answer: either a whole body, or a status and headers followed by a body streamed in
 * chunks (watch, lease keep-alive, snapshot and observe through the gateway).
 */
public sealed interface HttpResponse permits HttpResponse.Full, HttpResponse.Chunked {
  int status();

  HttpHeaders headers();

  /**
   * A complete answer. When {@code trailers} is not empty the adapter must send the body chunked
   * and the trailers after it (the gateway's error replies declare {@code Trailer:
   * Grpc-Trailer-Content-Type}); otherwise it sends {@code Content-Length}.
   */
  record Full(int status, HttpHeaders headers, byte[] body, HttpHeaders trailers)
      implements HttpResponse {
    public Full {
      requireNonNull(headers, "headers");
      requireNonNull(body, "body");
      requireNonNull(trailers, "trailers");
    }

    public Full(int status, HttpHeaders headers, byte[] body) {
      this(status, headers, body, HttpHeaders.empty());
    }
  }

  /**
   * A status and headers sent at once, then chunks the body produces through a {@link ChunkSink}.
   */
  record Chunked(int status, HttpHeaders headers, ChunkedBody body) implements HttpResponse {
    public Chunked {
      requireNonNull(headers, "headers");
      requireNonNull(body, "body");
    }
  }
}
