package io.etcdj.storage.mvcc;

import java.nio.ByteBuffer;

/**
 * A point in the MVCC history: {@code main} is the revision of one atomic write transaction, {@code
 * sub} orders the changes inside it (etcd {@code mvcc/revision.go}).
 *
 * <p>On disk a revision is the 17-byte key of the {@code key} bucket: 8-byte big-endian main, the
 * byte {@code '_'}, 8-byte big-endian sub; a tombstone appends {@code 't'} (18 bytes). Byte order
 * of these keys equals revision order for non-negative revisions, which the backend relies on.
 *
 * <p>Immutable value; safe from any thread.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {
  /** Length of an encoded revision without mark. */
  public static final int BYTES_LEN = 8 + 1 + 8;

  /** Length of an encoded revision with its one-byte mark. */
  public static final int MARKED_BYTES_LEN = BYTES_LEN + 1;

  static final byte SEPARATOR = '_';
  static final byte MARK_TOMBSTONE = 't';

  /** A revision with sub 0, the form used for compaction marks. */
  public static Revision of(long main) {
    return new Revision(main, 0);
  }

  /** Whether this revision comes strictly after {@code other}. */
  public boolean greaterThan(Revision other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Revision o) {
    int c = Long.compare(main, o.main);
    return c != 0 ? c : Long.compare(sub, o.sub);
  }

  /** The 17-byte {@code key} bucket key of this revision. */
  public byte[] toBytes() {
    byte[] b = new byte[BYTES_LEN];
    ByteBuffer.wrap(b).putLong(main).put(SEPARATOR).putLong(sub);
    return b;
  }

  /** The 18-byte key of a tombstone written at this revision. */
  public byte[] toTombstoneBytes() {
    byte[] b = new byte[MARKED_BYTES_LEN];
    ByteBuffer.wrap(b).putLong(main).put(SEPARATOR).putLong(sub).put(MARK_TOMBSTONE);
    return b;
  }

  /** Reads the revision from the first 17 bytes of a {@code key} bucket key (mark ignored). */
  public static Revision fromBytes(byte[] b) {
    if (b.length < BYTES_LEN) {
      throw new IllegalArgumentException("revision bytes too short: " + b.length);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new Revision(buf.getLong(0), buf.getLong(9));
  }

  /** Whether a {@code key} bucket key marks a tombstone (etcd {@code isTombstone}). */
  public static boolean isTombstone(byte[] b) {
    return b.length == MARKED_BYTES_LEN && b[MARKED_BYTES_LEN - 1] == MARK_TOMBSTONE;
  }

  @Override
  public String toString() {
    return "{" + main + " " + sub + "}";
  }
}
