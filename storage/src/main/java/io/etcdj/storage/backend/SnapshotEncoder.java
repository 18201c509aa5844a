package io.etcdj.storage.backend;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a walk over a backend's committed buckets into the bytes of a snapshot stream. The backend
 * walks a pinned read transaction bucket by bucket (ascending unsigned name order) and key by key
 * (ascending), and calls one {@link Pass} per encoding; it may run a pass only to count the bytes
 * (for {@link BackendSnapshot#size()}), so a pass must produce the same bytes every time.
 *
 * <p>{@link EtcdjStreamFormat#ENCODER} is the format etcdj writes today; a bbolt writer (for Go
 * peers and {@code etcdctl snapshot restore}, decision 0002) plugs in here later.
 *
 * <p>Threading: an encoder is immutable and shareable; a {@link Pass} is used by one thread at a
 * time.
 */
public interface SnapshotEncoder {
  /** A short name for logs, e.g. {@code etcdj-stream-v1}. */
  String format();

  /**
   * The encoder one snapshot uses: a stateful encoder (one that plans, see {@link
   * #needsPlanningPass()}) returns a fresh instance; stateless ones return themselves.
   */
  default SnapshotEncoder forSnapshot() {
    return this;
  }

  /**
   * Whether passes that keep their bytes must follow one complete pass of this instance, because
   * the format's header holds totals of the walk (bbolt's meta pages name the last page). Every
   * pass still writes the same number of bytes.
   */
  default boolean needsPlanningPass() {
    return false;
  }

  /** Starts a pass writing to {@code out} (the header, if the format has one). */
  Pass begin(OutputStream out) throws IOException;

  /** One encoding of the whole snapshot. */
  interface Pass {
    /** A new bucket starts; its entries follow. */
    void bucket(byte[] name) throws IOException;

    /** One key/value of the current bucket; the arrays are the caller's and not reused. */
    void entry(byte[] key, byte[] value) throws IOException;

    /** The walk is complete: write the trailer. */
    void finish() throws IOException;
  }
}
