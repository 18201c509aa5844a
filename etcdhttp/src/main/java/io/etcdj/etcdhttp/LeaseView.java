package io.etcdj.etcdhttp;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The primary lessor as the peer lease handlers ({@code lease/leasehttp}) use it. Called from any
 * thread; must return at once.
 */
public interface LeaseView {
  /**
   * Completes when the applied index has reached the committed index as of this call ({@code
   * ApplyWait}). The handler waits at most one second.
   */
  CompletableFuture<Void> applyWait();

  /**
   * Renews the lease and gives its TTL in seconds. Fails with {@link LeaseNotFoundException} when
   * there is no such lease, or with another exception whose message is etcd's (e.g. {@code lease:
   * not a primary lessor}).
   */
  CompletableFuture<Long> renew(long leaseId);

  /** The lease's state, or null when there is no such lease. */
  CompletableFuture<LeaseState> lookup(long leaseId);

  /** What {@code /leases/internal} reports of a lease. */
  record LeaseState(long remainingSeconds, long grantedTtl, List<ByteString> keys) {
    public LeaseState {
      keys = List.copyOf(keys);
    }
  }

  /** {@code lease.ErrLeaseNotFound}. */
  final class LeaseNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseNotFoundException() {
      super("lease not found");
    }
  }
}
