package io.etcdj.storage.backend;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * The thin layer over one open LMDB environment, hiding lmdbjava's buffer type. Keys and values
 * cross it as {@code byte[]} copies.
 *
 * <p>Threading: {@link #beginRead()} from any thread; {@link #write} only by the backend's writer
 * (under its lock); {@link #setMapSize}, {@link #copyTo} and {@link #close} only while no
 * transaction of this store is active or in flight, as LMDB requires.
 */
interface LmdbStore extends AutoCloseable {

  /** Receives scanned entries; returns false to stop. */
  @FunctionalInterface
  interface ScanVisitor {
    boolean visit(byte[] key, byte[] value);
  }

  /** A read snapshot. Threading: one thread at a time. */
  interface Reader extends AutoCloseable {
    boolean hasBucket(Bucket bucket);

    /** Null when the key (or the bucket) is absent. */
    byte[] get(Bucket bucket, byte[] key);

    /** Scans {@code [from, to)}; {@code to == null} scans to the end. */
    void scan(Bucket bucket, byte[] from, byte[] to, ScanVisitor visitor);

    /** The buckets of this snapshot in ascending unsigned name order. */
    Collection<Bucket> buckets();

    /** Moves the snapshot to the newest committed state. */
    void refresh();

    @Override
    void close();
  }

  /** Thrown by {@link #write} when the map is full; the write left no trace. */
  final class MapFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MapFullException(Throwable cause) {
      super("mdb_put: MDB_MAP_FULL: Environment mapsize limit reached", cause);
    }
  }

  /** Thrown by {@link #beginRead} when every reader slot is taken ({@code MDB_READERS_FULL}). */
  final class ReadersFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadersFull(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  Reader beginRead();

  /** Applies one batch in a single LMDB write transaction and commits it durably. */
  void write(WriteOverlay batch);

  /** Buckets committed so far. */
  Set<Bucket> buckets();

  long mapSize();

  void setMapSize(long bytes);

  int maxKeySize();

  /** Bytes of pages reachable from the committed trees. */
  long sizeInUse();

  /** LMDB's page size (the OS page size). */
  default long pageSize() {
    return 4096;
  }

  /** Writes a compacted consistent copy to {@code dest}, which must not exist. */
  void copyTo(Path dest);

  @Override
  void close();
}
