package io.etcdj.storage.backend;

import java.nio.charset.StandardCharsets;

/**
 * A bucket entry left out of {@link Backend#hash} (etcd's {@code backend.IgnoreKey}); the key is
 * held as ISO-8859-1 text so any byte string round-trips.
 *
 * @param bucket the bucket
 * @param key the key, one char per byte
 */
public record IgnoreKey(Bucket bucket, String key) {
  /** {@code meta/consistent_index}, which etcd's Hash always skips. */
  public static final IgnoreKey CONSISTENT_INDEX = new IgnoreKey(Bucket.META, "consistent_index");

  static IgnoreKey of(Bucket bucket, byte[] key) {
    return new IgnoreKey(bucket, new String(key, StandardCharsets.ISO_8859_1));
  }
}
