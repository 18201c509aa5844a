package io.etcdj.storage.backend;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link BackendSnapshot} over a pinned LMDB read transaction: taking it is O(1); the bytes are
 * produced on the reading thread, chunk by chunk, by walking the transaction's buckets through a
 * {@link SnapshotEncoder}.
 *
 * <p>The pin: the read transaction keeps every page of its snapshot from being reused, so while it
 * is held LMDB's file grows by the pages later commits need instead of recycling freed ones (as
 * with bbolt's long read tx). {@link #close()} releases them. Each chunk holds the generation's
 * remap read stamp only while it walks, so map growth waits for at most one chunk, never for the
 * snapshot's lifetime (LMDB pages are addressed through the current map at each call, and no cursor
 * outlives a chunk). Defrag and install swap in a new environment and leave this one open until the
 * snapshot closes.
 *
 * <p>Threading: thread-safe; chunk production is serialized on this object, so the counting pass of
 * {@link #size()} and a channel never interleave on the transaction.
 */
final class StreamSnapshot implements BackendSnapshot {
  /** About how many bytes one chunk holds (one entry may exceed it). */
  static final int CHUNK = 64 * 1024;

  private static final byte[] EMPTY = new byte[0];

  private final Generation gen;
  private final LmdbStore.Reader reader;
  private final SnapshotEncoder encoder;
  private final List<Bucket> buckets;

  @GuardedBy("this")
  private long size = -1;

  @GuardedBy("this")
  private boolean closed;

  StreamSnapshot(Generation gen, LmdbStore.Reader reader, SnapshotEncoder encoder) {
    this.gen = gen;
    this.reader = reader;
    this.encoder = encoder.forSnapshot();
    this.buckets = new ArrayList<>(reader.buckets());
  }

  @Override
  public String format() {
    return encoder.format();
  }

  @Override
  public synchronized long size() {
    if (size < 0) {
      try (Walk w = new Walk()) {
        long n = 0;
        while (w.fillNext()) {
          n += w.buf.size();
          w.buf.reset();
        }
        size = n;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return size;
  }

  @Override
  public ReadableByteChannel newChannel() {
    plan();
    return new Walk();
  }

  @Override
  public long writeTo(OutputStream out) throws IOException {
    try {
      plan();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    long n = 0;
    try (ReadableByteChannel ch = newChannel()) {
      Walk w = (Walk) ch;
      while (w.fillNext()) {
        w.buf.writeTo(out);
        n += w.buf.size();
        w.buf.reset();
      }
    }
    return n;
  }

  /** The counting pass of {@link #size()} is the planning pass an encoder may need. */
  private void plan() {
    if (encoder.needsPlanningPass()) {
      size();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      long stamp = gen.readStamp();
      try {
        reader.close();
      } finally {
        gen.unlockRead(stamp);
      }
    }
    gen.release();
  }

  /** A chunk buffer whose bytes can be handed out without a copy. */
  private static final class Chunk extends ByteArrayOutputStream {
    Chunk() {
      super(CHUNK + 1024);
    }

    byte[] array() {
      return buf;
    }
  }

  /** One pass of the encoder over the pinned transaction, exposed as a channel. */
  private final class Walk implements ReadableByteChannel {
    final Chunk buf = new Chunk();
    private SnapshotEncoder.Pass pass;
    private int bucket = -1;
    private byte[] last;
    private boolean bucketDone = true;
    private boolean finished;
    private boolean open = true;
    private int pos;

    /** Produces the next chunk into {@link #buf}; false when the pass has ended. */
    boolean fillNext() throws IOException {
      if (finished) {
        return false;
      }
      synchronized (StreamSnapshot.this) {
        if (closed) {
          throw new IOException("snapshot closed");
        }
        long stamp = gen.readStamp();
        try {
          fill();
        } finally {
          gen.unlockRead(stamp);
        }
      }
      return buf.size() > 0 || !finished;
    }

    @GuardedBy("StreamSnapshot.this")
    private void fill() throws IOException {
      if (pass == null) {
        pass = encoder.begin(buf);
      }
      while (buf.size() < CHUNK) {
        if (bucketDone) {
          bucket++;
          if (bucket == buckets.size()) {
            pass.finish();
            finished = true;
            return;
          }
          pass.bucket(buckets.get(bucket).nameBytes());
          last = null;
          bucketDone = false;
        }
        byte[] from = last == null ? EMPTY : last;
        boolean[] stopped = {false};
        IOException[] failed = {null};
        reader.scan(
            buckets.get(bucket),
            from,
            null,
            (k, v) -> {
              if (last != null && Arrays.equals(k, last)) {
                return true; // resume point, already encoded
              }
              try {
                pass.entry(k, v);
              } catch (IOException e) {
                failed[0] = e;
                return false;
              }
              last = k;
              if (buf.size() >= CHUNK) {
                stopped[0] = true;
                return false;
              }
              return true;
            });
        if (failed[0] != null) {
          throw failed[0];
        }
        if (!stopped[0]) {
          bucketDone = true;
        }
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (pos == buf.size()) {
        buf.reset();
        pos = 0;
        if (!fillNext()) {
          return -1;
        }
        if (buf.size() == 0) {
          return finished ? -1 : 0;
        }
      }
      int n = Math.min(dst.remaining(), buf.size() - pos);
      dst.put(buf.array(), pos, n);
      pos += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
