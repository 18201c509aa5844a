package io.etcdj.storage.mvcc;

/**
 * The three lessor calls the KV store makes (etcd {@code lease.Lessor}'s {@code GetLease}, {@code
 * Attach}, {@code Detach}), as a seam between this package and {@code io.etcdj.storage.lease}.
 *
 * <p>Implementations must be thread-safe: the store calls them from write txns and from restore.
 */
public interface KeyLeases {
  /** etcd {@code lease.NoLease}. */
  long NO_LEASE = 0;

  /** A lessor that knows no leases: for stores used without leases (tests, tools). */
  KeyLeases NONE =
      new KeyLeases() {
        @Override
        public long leaseOf(byte[] key) {
          return NO_LEASE;
        }

        @Override
        public boolean attach(long leaseId, byte[] key) {
          return true;
        }

        @Override
        public boolean detach(long leaseId, byte[] key) {
          return true;
        }
      };

  /** The lease {@code key} is attached to, or {@link #NO_LEASE}. */
  long leaseOf(byte[] key);

  /** Attaches {@code key} to the lease; false if the lease does not exist ("lease not found"). */
  boolean attach(long leaseId, byte[] key);

  /** Detaches {@code key} from the lease; false if the lease does not exist. */
  boolean detach(long leaseId, byte[] key);
}
