package io.etcdj.storage.util;

import java.nio.ByteBuffer;

/**
 * CRC-32C (Castagnoli) that can continue from any previous value, matching Go's {@code
 * crc32.Update(prev, crc32.MakeTable(crc32.Castagnoli), data)}.
 *
 * <p>{@link java.util.zip.CRC32C} always starts from zero, but etcd chains one running checksum
 * across every WAL record and segment, so the WAL needs a seedable variant. The value passed in and
 * returned is the finished (post-inverted) checksum, exactly like Go's, so {@code update(update(0,
 * a), b) == update(0, a ++ b)}.
 *
 * <p>Stateless and thread-safe: the lookup tables are immutable constants.
 */
public final class Crc32c {
  private static final int POLY_REVERSED = 0x82F63B78;

  /** Slicing-by-8 tables: {@code TABLES[k][b]} is the CRC of byte b followed by k zero bytes. */
  private static final int[][] TABLES = buildTables();

  private Crc32c() {}

  private static int[][] buildTables() {
    int[][] t = new int[8][256];
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REVERSED : c >>> 1;
      }
      t[0][i] = c;
    }
    for (int i = 0; i < 256; i++) {
      int c = t[0][i];
      for (int k = 1; k < 8; k++) {
        c = t[0][c & 0xff] ^ (c >>> 8);
        t[k][i] = c;
      }
    }
    return t;
  }

  /** Returns the CRC-32C of {@code data} continued from {@code prev} (0 starts a fresh CRC). */
  public static int update(int prev, byte[] data) {
    return update(prev, data, 0, data.length);
  }

  /** Returns the CRC-32C of {@code data[off, off+len)} continued from {@code prev}. */
  public static int update(int prev, byte[] data, int off, int len) {
    int[] t0 = TABLES[0];
    int[] t1 = TABLES[1];
    int[] t2 = TABLES[2];
    int[] t3 = TABLES[3];
    int[] t4 = TABLES[4];
    int[] t5 = TABLES[5];
    int[] t6 = TABLES[6];
    int[] t7 = TABLES[7];
    int c = ~prev;
    int i = off;
    int end = off + len;
    while (end - i >= 8) {
      int lo =
          c
              ^ ((data[i] & 0xff)
                  | (data[i + 1] & 0xff) << 8
                  | (data[i + 2] & 0xff) << 16
                  | (data[i + 3] & 0xff) << 24);
      int hi =
          (data[i + 4] & 0xff)
              | (data[i + 5] & 0xff) << 8
              | (data[i + 6] & 0xff) << 16
              | (data[i + 7] & 0xff) << 24;
      c =
          t7[lo & 0xff]
              ^ t6[(lo >>> 8) & 0xff]
              ^ t5[(lo >>> 16) & 0xff]
              ^ t4[lo >>> 24]
              ^ t3[hi & 0xff]
              ^ t2[(hi >>> 8) & 0xff]
              ^ t1[(hi >>> 16) & 0xff]
              ^ t0[hi >>> 24];
      i += 8;
    }
    while (i < end) {
      c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
      i++;
    }
    return ~c;
  }

  /** Returns the CRC-32C of the remaining bytes of {@code buf} (position unchanged). */
  public static int update(int prev, ByteBuffer buf) {
    if (buf.hasArray()) {
      return update(prev, buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
    }
    byte[] copy = new byte[buf.remaining()];
    buf.duplicate().get(copy);
    return update(prev, copy);
  }
}
