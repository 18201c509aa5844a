package io.etcdj.storage.lease;

/**
 * A write transaction of the key-value store that only deletes (etcd {@code lease.TxnDelete}). The
 * lessor uses one per revoke so that every key of the lease disappears at a single revision.
 *
 * <p>Not thread-safe: the lessor uses an instance from one thread, from creation to {@link #end()}.
 */
public interface TxnDelete {
  /**
   * Deletes {@code [key, end)}; a {@code null} end deletes just {@code key}.
   *
   * @return how many keys were deleted
   */
  long deleteRange(byte[] key, byte[] end);

  /** Commits the transaction: all deletes made through it share one revision. */
  void end();
}
