package io.etcdj.storage.lease;

/**
 * Opens a {@link TxnDelete} on the key-value store (etcd {@code lease.RangeDeleter}). Defined in
 * this package so that the lessor does not depend on mvcc; mvcc supplies the implementation.
 *
 * <p>Implementations must be callable from whichever thread revokes a lease.
 */
@FunctionalInterface
public interface RangeDeleter {
  TxnDelete newTxnDelete();
}
