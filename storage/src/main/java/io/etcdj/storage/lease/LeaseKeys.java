package io.etcdj.storage.lease;

import java.nio.charset.StandardCharsets;

/**
 * Conversions between the byte keys of the key-value store and the {@link String} keys of {@link
 * LeaseItem}. ISO-8859-1 maps each byte to one char and back, so any key survives the round trip,
 * the way Go's {@code string([]byte)} does.
 *
 * <p>Stateless.
 */
public final class LeaseKeys {
  private LeaseKeys() {}

  /** The lease item for a store key. */
  public static LeaseItem item(byte[] key) {
    return new LeaseItem(new String(key, StandardCharsets.ISO_8859_1));
  }

  /** The store key of a lease item's key string. */
  public static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The lease bucket key of a lease ID: 8 bytes, big-endian. */
  static byte[] idKey(long id) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) id;
      id >>>= 8;
    }
    return out;
  }

  /** The lease ID of a lease bucket key (etcd {@code bytesToLeaseID}). */
  static long idOf(byte[] key) {
    if (key.length != 8) {
      throw new IllegalStateException("lease ID must be 8-byte");
    }
    long id = 0;
    for (byte b : key) {
      id = (id << 8) | (b & 0xff);
    }
    return id;
  }
}
