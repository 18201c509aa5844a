package io.etcdj.storage.backend;

import java.util.function.BiConsumer;

/**
 * The read half shared by {@link ReadTx} and {@link BatchTx} (etcd's {@code ReadTx} methods {@code
 * UnsafeRange} and {@code UnsafeForEach}).
 *
 * <p>Threading is set by the implementing transaction type.
 */
public interface BackendReader {
  /**
   * Reads {@code [key, endKey)} of a bucket in ascending unsigned-byte order, at most {@code limit}
   * entries ({@code limit <= 0} means no limit). When {@code endKey} is null or empty only {@code
   * key} itself is looked up, as in etcd. A missing bucket reads as empty.
   */
  RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit);

  /** Visits every entry of the bucket in ascending key order; a missing bucket visits nothing. */
  void unsafeForEach(Bucket bucket, BiConsumer<byte[], byte[]> visitor);
}
