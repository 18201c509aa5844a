package io.etcdj.storage.lease;

import io.etcdj.storage.backend.Backend;
import java.time.Duration;
import java.util.List;

/**
 * Owns the leases of one node: grants, revokes, renews and expires them (etcd {@code
 * lease.Lessor}). The raft leader's lessor is the <em>primary</em>: only it tracks expiry and
 * accepts renewals; every other lessor keeps leases alive forever until promoted.
 *
 * <p>The lessor never revokes on its own. {@link #run()} collects expired leases into a small
 * bounded queue that the owner drains with {@link #pollExpiredLeases()} and turns into revoke
 * proposals, exactly as etcd's server consumes {@code ExpiredLeasesC}.
 *
 * <p>Threading. Implementations are thread-safe, and each method belongs to one kind of caller:
 *
 * <ul>
 *   <li><b>apply thread</b> (through {@code NodeStore}'s {@code ApplyTxn}, so the raft index is
 *       saved with the change): {@link #grant}, {@link #revoke}, {@link #checkpoint}, {@link
 *       #recover}. They take the backend's batch lock and may wait for a commit's fsync.
 *   <li><b>mvcc, under its own locks</b>: {@link #attach}, {@link #detach}, {@link #getLease}.
 *   <li><b>any thread, never blocking</b> (event loops included): {@link #renewAsync}, {@link
 *       #lookup}, {@link #leases}, {@link #pollExpiredLeases}, {@link #promote}, {@link #demote}.
 *   <li><b>not on an event loop</b>: {@link #renew}, which can wait for a revoke to commit.
 *   <li><b>one scheduler thread</b>: {@link #run()}, which calls the {@link Checkpointer} (that
 *       must not block either).
 * </ul>
 */
public interface Lessor extends AutoCloseable {
  /** The ID meaning "no lease" (etcd {@code NoLease}). */
  long NO_LEASE = 0;

  /** The largest TTL, in seconds, a lease may be granted with (etcd {@code MaxLeaseTTL}). */
  long MAX_LEASE_TTL = 9_000_000_000L;

  /** Lets revoke delete the attached keys through the key-value store. */
  void setRangeDeleter(RangeDeleter rd);

  /** Enables checkpointing of remaining TTLs (etcd's experimental lease checkpoint feature). */
  void setCheckpointer(Checkpointer cp);

  /**
   * Grants a lease that expires at least {@code ttlSeconds} from now (raised to the minimum TTL)
   * and persists it.
   *
   * @throws LeaseException {@code LEASE_NOT_FOUND} for id {@link #NO_LEASE}, {@code TTL_TOO_LARGE},
   *     {@code LEASE_EXISTS}
   */
  Lease grant(long id, long ttlSeconds) throws LeaseException;

  /**
   * Deletes every attached key through one {@link TxnDelete} and removes the lease, in the same
   * backend batch.
   *
   * @throws LeaseException {@code LEASE_NOT_FOUND}
   */
  void revoke(long id) throws LeaseException;

  /**
   * Records a lease's remaining TTL, used by the next {@link #promote}. Unknown IDs are ignored, as
   * in etcd.
   */
  void checkpoint(long id, long remainingTtlSeconds) throws LeaseException;

  /** Attaches items to a lease. @throws LeaseException {@code LEASE_NOT_FOUND} */
  void attach(long id, List<LeaseItem> items) throws LeaseException;

  /** Detaches items from a lease. @throws LeaseException {@code LEASE_NOT_FOUND} */
  void detach(long id, List<LeaseItem> items) throws LeaseException;

  /** The lease an item is attached to, or {@link #NO_LEASE}. */
  long getLease(LeaseItem item);

  /**
   * Makes this lessor the primary and restarts every lease's expiry at now + extend + its remaining
   * TTL, spreading out leases that would otherwise expire together.
   */
  void promote(Duration extend);

  /** Stops being the primary: every lease lives forever until the next {@link #promote}. */
  void demote();

  /**
   * Restarts a lease's expiry from now. If the lease has already expired this waits until its
   * revoke completes (then not found) or the lessor is demoted or closed (then not primary).
   *
   * @return the lease's TTL in seconds
   * @throws LeaseException {@code NOT_PRIMARY}, {@code LEASE_NOT_FOUND}
   */
  long renew(long id) throws LeaseException;

  /**
   * {@link #renew} without blocking, for callers on an event loop (LeaseKeepAlive): completes at
   * once for a live lease, or, for an expired one, when its revoke commits (failing with {@code
   * LEASE_NOT_FOUND}) or the lessor is demoted or closed (failing with {@code NOT_PRIMARY}). The
   * future fails with the {@link LeaseException}, never with anything else; a late completion runs
   * dependent stages on the revoking, demoting or closing thread, so add them with an executor
   * ({@code whenCompleteAsync(..., eventLoop)}) if they must run elsewhere.
   *
   * @return the lease's TTL in seconds
   */
  java.util.concurrent.CompletableFuture<Long> renewAsync(long id);

  /** The lease with this ID, or {@code null}. */
  Lease lookup(long id);

  /** All leases, soonest expiry first. */
  List<Lease> leases();

  /**
   * One step of the lessor's background work (etcd's {@code runLoop} body): if primary, queue up to
   * 500 expired leases for the owner, and hand due checkpoints to the {@link Checkpointer}. The
   * owner calls it periodically (etcd: every 500 ms). Never blocks.
   */
  void run();

  /**
   * The next batch of expired leases found by {@link #run()}, or an empty list. The owner should
   * propose a revoke for each; a lease that is still not revoked is offered again after the
   * expired-lease retry interval.
   */
  List<Lease> pollExpiredLeases();

  /**
   * Replaces the lease table with the leases stored in another backend, as after a raft snapshot
   * was installed (etcd {@code Recover}). Restored leases never expire until {@link #promote}; mvcc
   * re-attaches their keys as it restores its own state.
   */
  void recover(Backend backend, RangeDeleter rd);

  /** Stops the lessor: pending renewals of expired leases fail with not primary. Idempotent. */
  @Override
  void close();
}
