package io.etcdj.storage.lease;

import java.util.List;

/**
 * The lessor's view of the backend's {@code lease} bucket: key = the lease ID as 8 big-endian
 * bytes, value = a marshalled {@code leasepb.Lease{ID, TTL, RemainingTTL}}. A narrow seam so the
 * lessor's logic is testable without a database; {@link BackendLeaseBucket} is the real one.
 *
 * <p>Threading: the {@code unsafe} methods require {@link #lock()} held by the calling thread. The
 * lock is the backend's reentrant batch-transaction lock, so a revoke running inside mvcc's {@link
 * TxnDelete} (which already holds it) joins the same batch. Lock order: this lock before the
 * lessor's own lock, the same order mvcc takes them when it attaches leases inside a write.
 */
interface LeaseBucket {
  void lock();

  void unlock();

  /** Writes one lease record. */
  void unsafePut(io.etcdj.proto.leasepb.Lease lease);

  /** Deletes one lease record; deleting a missing one is not an error. */
  void unsafeDelete(long id);

  /** Creates the bucket if missing and returns every stored lease, in key order. */
  List<io.etcdj.proto.leasepb.Lease> unsafeLoadAll();

  /** Commits the current batch now. Must not be called with the lock held by another thread. */
  void forceCommit();
}
