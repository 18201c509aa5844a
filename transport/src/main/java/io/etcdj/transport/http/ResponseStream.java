package io.etcdj.transport.http;

import java.util.concurrent.CompletableFuture;

/**
 * A streamed (chunked on HTTP/1.1, DATA frames on HTTP/2) response body, for long-lived answers
 * such as rafthttp's message streams or watch-like feeds.
 *
 * <p>Backpressure: a producer should write while {@link #isWritable()} and otherwise wait for
 * {@link #whenWritable()}, which follows the channel's writability (its outbound buffer below
 * Netty's low water mark, or the HTTP/2 stream's flow-control window). A producer that ignores it
 * cannot pin unbounded memory: once more than the stream's byte cap is queued unsent, the exchange
 * is aborted (connection closed, or the HTTP/2 stream reset) and further writes fail.
 *
 * <p>Thread-safe: every method may be called from any thread; work hops to the event loop.
 */
public interface ResponseStream {
  /** Queues and flushes {@code chunk}; completes when it was written to the socket. */
  CompletableFuture<Void> write(byte[] chunk);

  /** Whether a write now would not queue beyond the channel's high water mark. */
  boolean isWritable();

  /** Completes when the stream is writable again (at once if it is), or when it ends. */
  CompletableFuture<Void> whenWritable();

  /** Ends the body; the exchange completes when the last chunk is written. */
  void end();

  /** Gives up: closes the connection (HTTP/1.1) or resets the stream (HTTP/2). */
  void abort();

  /** Whether the stream can still be written (not ended, aborted or disconnected). */
  boolean isOpen();
}
