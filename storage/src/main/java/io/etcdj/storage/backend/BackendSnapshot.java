package io.etcdj.storage.backend;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;

/**
 * A point-in-time view of the whole committed backend, encoded on demand for streaming (etcd's
 * {@code backend.Snapshot}). Used for raft snapshots and {@code Maintenance.Snapshot}. The receiver
 * saves the bytes as they are and hands the file to {@link
 * LmdbBackend#installSnapshot(java.nio.file.Path)}.
 *
 * <p>Taking one is O(1) (it pins an LMDB read transaction); the bytes are produced only when read,
 * a chunk at a time, on the reading thread. While it is open LMDB cannot reuse the pages it pins,
 * so the data file grows by what later commits write; {@link #close()} releases them. Holding it
 * blocks neither writers, map growth, defrag nor install.
 *
 * <p>Threading: thread-safe; reads through different channels are serialized. Close it on any
 * thread; idempotent. Channels and {@link #writeTo} fail with IOException "snapshot closed" after
 * that.
 */
public interface BackendSnapshot extends AutoCloseable {
  /**
   * Size in bytes of the stream every channel (and {@link #writeTo}) produces. The first call
   * counts it with one encoding pass over the pinned state (no bytes kept), so call it off the
   * apply thread.
   */
  long size();

  /** The encoding's name, e.g. {@code etcdj-stream-v1}. */
  String format();

  /**
   * A new pass over the snapshot as a blocking channel: each {@code read} copies from a chunk of
   * about 64 KiB, producing the next chunk when the current one is used up. Any number of passes
   * give the same bytes. Suits Netty's {@code ChunkedNioStream}. One thread at a time per channel.
   */
  ReadableByteChannel newChannel();

  /** Writes the whole snapshot; may be called more than once. Returns the bytes written. */
  long writeTo(OutputStream out) throws IOException;

  @Override
  void close();
}
