package io.etcdj.storage.wal;

/**
 * The leading fields of a marshaled {@code walpb.Record} as etcd writes them ({@code 08 type 10 crc
 * [1a len data]}), read without trusting the frame's length word. Used only to tell a damaged
 * length word from a torn write.
 *
 * @param recBytes the record size these fields imply
 */
record FrameBody(long type, int crc, int dataOffset, int dataLength, int recBytes) {
  /** Parses the fields from {@code b[0, n)}; null if they are not there in etcd's layout. */
  static FrameBody parse(byte[] b, int n) {
    int[] pos = {0};
    if (n < 4 || b[0] != 0x08) {
      return null;
    }
    pos[0] = 1;
    long type = varint(b, n, pos);
    if (type < 0 || pos[0] >= n || b[pos[0]] != 0x10) {
      return null;
    }
    pos[0]++;
    long crc = varint(b, n, pos);
    if (crc < 0 || crc > 0xffffffffL) {
      return null;
    }
    if (pos[0] < n && b[pos[0]] == 0x1a) {
      pos[0]++;
      long len = varint(b, n, pos);
      if (len < 0 || pos[0] + len > n) {
        return null;
      }
      int off = pos[0];
      return new FrameBody(type, (int) crc, off, (int) len, off + (int) len);
    }
    return new FrameBody(type, (int) crc, pos[0], 0, pos[0]);
  }

  /** Reads a varint at pos[0]; -1 if it runs off the end or is longer than 10 bytes. */
  private static long varint(byte[] b, int n, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= n) {
        return -1;
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    return -1;
  }
}
