package io.etcdj.storage.wal;

/**
 * etcd's record framing: an 8-byte little-endian length word, the record, then zero padding to a
 * multiple of 8 bytes. When padding is present the top byte of the length word is {@code 0x80 |
 * pad}, so a reader always knows the padded size and a length word is never itself torn across
 * sectors ({@code wal/encoder.go#encodeFrameSize}, {@code decoder.go#decodeFrameSize}).
 *
 * <p>Reading accepts both layouts etcd has written: the padded one above, and the older one from
 * before padding was introduced, where the length word is the bare record size whatever it is and
 * the next length word follows the record directly (Go's decoder reads a clear top bit as "no
 * padding"). Such segments may still sit in an old data directory.
 */
final class Frames {
  /** The length word's size. */
  static final int FRAME_SIZE_BYTES = 8;

  /** Smallest disk sector; the unit of etcd's torn-write test. */
  static final int MIN_SECTOR_SIZE = 512;

  /** etcd's {@code maxWALEntrySizeLimit}: 10 MiB per record. */
  static final long MAX_RECORD_BYTES = 10L * 1024 * 1024;

  private Frames() {}

  static int padBytes(int recBytes) {
    return (8 - (recBytes % 8)) % 8;
  }

  static long lengthField(int recBytes) {
    int pad = padBytes(recBytes);
    long field = recBytes;
    if (pad != 0) {
      field |= (long) (0x80 | pad) << 56;
    }
    return field;
  }

  static long recordBytes(long lengthField) {
    return lengthField & 0x00FF_FFFF_FFFF_FFFFL;
  }

  static int padOf(long lengthField) {
    return lengthField < 0 ? (int) ((lengthField >>> 56) & 0x7) : 0;
  }

  /**
   * Whether a non-zero length word has a shape some etcd writer produced: a top byte of 0 (no
   * padding: a record that is a multiple of 8 bytes, or any record in the older unpadded layout),
   * or exactly {@code 0x80 | pad} for the record's size. Go's {@code decodeFrameSize} also takes
   * other top bytes (it masks them off); only damage makes them, so we call them corrupt.
   */
  static boolean isWrittenShape(long lengthField) {
    int top = (int) (lengthField >>> 56);
    int pad = padBytes((int) (recordBytes(lengthField) % 8));
    return top == 0 || (pad != 0 && top == (0x80 | pad));
  }

  static void putLongLe(byte[] out, int p, long v) {
    for (int i = 0; i < 8; i++) {
      out[p + i] = (byte) (v >>> (8 * i));
    }
  }

  static long getLongLe(byte[] in, int p) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (in[p + i] & 0xffL);
    }
    return v;
  }

  /**
   * etcd's torn-write rule ({@code decoder.go#isTornEntry}): split the record's bytes (everything
   * after its length word) at sector boundaries of the file; if any piece is entirely zero, the
   * record was only partly written before a crash. {@code fileOffset} is the file offset of {@code
   * data[0]}.
   */
  static boolean hasZeroSectorChunk(byte[] data, int len, long fileOffset) {
    long off = fileOffset;
    int cur = 0;
    while (cur < len) {
      int chunk = (int) (MIN_SECTOR_SIZE - (off % MIN_SECTOR_SIZE));
      chunk = Math.min(chunk, len - cur);
      boolean zero = true;
      for (int i = cur; i < cur + chunk; i++) {
        if (data[i] != 0) {
          zero = false;
          break;
        }
      }
      if (zero) {
        return true;
      }
      off += chunk;
      cur += chunk;
    }
    return false;
  }
}
