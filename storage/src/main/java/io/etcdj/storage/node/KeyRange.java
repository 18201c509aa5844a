package io.etcdj.storage.node;

import com.google.protobuf.ByteString;

/**
 * etcd's proto range conventions ({@code RangeRequest}, {@code DeleteRangeRequest}, {@code
 * Compare}), turned into the store's once, here: an empty {@code range_end} means {@code key}
 * alone, {@code range_end = "\0"} every key from {@code key} on, anything else {@code [key,
 * range_end)} (etcd {@code mkGteRange} in {@code mvcc/kv.go} and {@code etcdserver/apply.go}).
 *
 * <p>Stateless.
 */
final class KeyRange {
  private static final byte[] FROM_KEY = new byte[0];

  private KeyRange() {}

  /** The store's end argument: null = one key, empty = from key on, else exclusive end. */
  static byte[] end(ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return null;
    }
    if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
      return FROM_KEY;
    }
    return rangeEnd.toByteArray();
  }
}
