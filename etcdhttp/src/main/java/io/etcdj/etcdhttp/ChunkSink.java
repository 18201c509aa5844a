package io.etcdj.etcdhttp;

import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link ChunkedBody} writes. Implemented by the router's adapter; may be called from any
 * thread, but calls for one stream must not overlap (the body serialises them).
 *
 * <p>Backpressure: the future of {@link #write} completes when the chunk has been handed to the
 * socket (flushed), so a producer that waits for it before producing the next chunk never has more
 * than one chunk queued per stream. It completes exceptionally if the connection is gone.
 */
public interface ChunkSink {
  /** Writes and flushes one chunk of the body. */
  CompletableFuture<Void> write(byte[] chunk);

  /** Ends the body normally, sending {@code trailers} (may be empty) after the last chunk. */
  void end(HttpHeaders trailers);

  /** Aborts the response: the adapter closes the connection without a proper end of body. */
  void abort(Throwable cause);
}
