package io.etcdj.etcdhttp;

/**
 * The producer of a streamed response body. The adapter calls {@link #start} once, after it has
 * written the status line and headers; the body then writes chunks to the sink from any thread
 * until it ends or fails the stream. {@link #cancel} is called (at most once, from any thread) when
 * the client goes away or the server closes the connection first; the body must then stop writing
 * and release what it holds.
 */
public interface ChunkedBody {
  void start(ChunkSink sink);

  void cancel();
}
