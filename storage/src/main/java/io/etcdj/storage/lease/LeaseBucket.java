package io.etcdj.storage.lease;

import java.util.List;

/**
 * The lessor's view of the backend's {@code lease} bucket: key = the lease ID as 8 big-endian
 * bytes, value = a marshalled {@code leasepb.Lease{ID, TTL, RemainingTTL}}. Kept as a narrow
 * interface so the lessor's logic does not depend on how the backend batches writes.
 *
 * <p>Implementations must be callable from any thread; writes join the backend's current batch
 * transaction.
 */
interface LeaseBucket {
  /** Writes one lease record (locks the batch transaction for the duration). */
  void put(io.etcdj.proto.leasepb.Lease lease);

  /**
   * Deletes one lease record. Called by revoke while its {@link TxnDelete} is still open, so the
   * delete joins the same batch as the key deletions (the caller of revoke already holds the batch
   * transaction through that {@code TxnDelete}).
   */
  void delete(long id);

  /** Creates the bucket if missing and returns every stored lease, in key order. */
  List<io.etcdj.proto.leasepb.Lease> loadAll();

  /** Commits the current batch now. */
  void forceCommit();
}
