package io.etcdj.storage.bbolt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bbolt 1.3's on-disk constants (the version etcd 3.4 links): page header, element sizes, flags,
 * the meta page and its FNV-1a checksum. Every integer is little-endian.
 *
 * <p>Stateless.
 */
final class BboltLayout {
  static final int PAGE_SIZE = 4096;
  static final int PAGE_HEADER = 16;
  static final int ELEMENT = 16;
  static final int BUCKET_HEADER = 16;

  static final int BRANCH_PAGE = 0x01;
  static final int LEAF_PAGE = 0x02;
  static final int META_PAGE = 0x04;
  static final int FREELIST_PAGE = 0x10;

  /** Leaf element flag: the value is a bucket header (and, when inline, its page). */
  static final int BUCKET_LEAF = 0x01;

  static final int MAGIC = 0xED0CDAED;
  static final int VERSION = 2;

  /** The freelist page ID meaning "not stored" (etcd opens bbolt with NoFreelistSync). */
  static final long NO_FREELIST = 0xFFFFFFFFFFFFFFFFL;

  /** bbolt inlines a bucket without sub-buckets whose page is smaller than this. */
  static final int MAX_INLINE_BUCKET = PAGE_SIZE / 4;

  /** Offset of the checksum in the meta body: it covers the 56 bytes before it. */
  static final int META_CHECKSUM_AT = 56;

  private BboltLayout() {}

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** FNV-1a, 64 bits (Go's hash/fnv New64a). */
  static long fnv64a(byte[] b, int off, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = off; i < off + len; i++) {
      h ^= b[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /**
   * A whole meta page: {@code magic, version, pageSize, flags, root{pgid, sequence}, freelist,
   * pgid, txid, checksum} after the page header.
   */
  static byte[] metaPage(long pageId, long rootPage, long highWater, long txid) {
    byte[] p = new byte[PAGE_SIZE];
    ByteBuffer b = le(p);
    b.putLong(0, pageId);
    b.putShort(8, (short) META_PAGE);
    int m = PAGE_HEADER;
    b.putInt(m, MAGIC);
    b.putInt(m + 4, VERSION);
    b.putInt(m + 8, PAGE_SIZE);
    b.putInt(m + 12, 0);
    b.putLong(m + 16, rootPage);
    b.putLong(m + 24, 0); // root bucket sequence
    b.putLong(m + 32, NO_FREELIST);
    b.putLong(m + 40, highWater);
    b.putLong(m + 48, txid);
    b.putLong(m + META_CHECKSUM_AT, fnv64a(p, m, META_CHECKSUM_AT));
    return p;
  }
}
