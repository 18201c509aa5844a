package io.etcdj.storage.mvcc;

/**
 * Test-only access to {@link KvStore}'s package-private write path for code in other test packages
 * (the JMH twin of Go's {@code BenchmarkStorePut} writes the bare store, as Go's does).
 */
public final class KvStoreTestAccess {
  private KvStoreTestAccess() {}

  /** {@code KvStore.put}: a put in its own write txn, unseen by watchers. */
  public static long put(KvStore s, byte[] key, byte[] value, long lease) {
    return s.put(key, value, lease);
  }
}
