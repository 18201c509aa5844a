package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes the batches of expired leases the lessor hands out (etcd's {@code revokeExpiredLeases} in
 * {@code etcdserver/server.go}): each batch is dropped unless this member still leads (the 3.4.31
 * fix, see {@link LeadershipCheck}), and revokes at most {@link #MAX_PENDING_REVOKES} of its leases
 * at a time. The lessor bounds the batches themselves to etcd's rate, 1000 leases a second (500
 * each half-second pass).
 *
 * <p>Threading: {@link #revoke} from the lease loop; the rest runs on whichever thread completes a
 * check or a revoke, under the batch's own lock.
 */
final class LeaseRevoker {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRevoker.class);

  /** etcd's {@code maxPendingRevokes}. */
  static final int MAX_PENDING_REVOKES = 16;

  private final long memberId;
  private final Supplier<CompletableFuture<Boolean>> ensureLeadership;
  private final LongFunction<CompletableFuture<?>> revokeOne;
  private final BooleanSupplier stopping;

  /**
   * @param revokeOne proposes a {@code LeaseRevoke} and completes once applied, exceptionally with
   *     the apply or proposal error
   */
  LeaseRevoker(
      long memberId,
      Supplier<CompletableFuture<Boolean>> ensureLeadership,
      LongFunction<CompletableFuture<?>> revokeOne,
      BooleanSupplier stopping) {
    this.memberId = memberId;
    this.ensureLeadership = requireNonNull(ensureLeadership, "ensureLeadership");
    this.revokeOne = requireNonNull(revokeOne, "revokeOne");
    this.stopping = requireNonNull(stopping, "stopping");
  }

  /** Starts revoking one batch of lease IDs; returns at once. */
  void revoke(List<Long> leases) {
    if (leases.isEmpty()) {
      return;
    }
    ensureLeadership
        .get()
        .thenAccept(
            leading -> {
              if (!leading) {
                LOG.atWarn()
                    .addKeyValue("local-member-id", LeadershipCheck.uint64(memberId))
                    .log("Ignore the lease revoking request because current member isn't a leader");
                return;
              }
              new Batch(leases).start();
            });
  }

  /** One batch: at most {@link #MAX_PENDING_REVOKES} revokes in flight. */
  private final class Batch {
    private final ArrayDeque<Long> waiting;
    private int inFlight;

    Batch(List<Long> leases) {
      this.waiting = new ArrayDeque<>(leases);
    }

    void start() {
      for (int i = 0; i < MAX_PENDING_REVOKES; i++) {
        next(false);
      }
    }

    private void next(boolean finishedOne) {
      long id;
      synchronized (this) {
        if (finishedOne) {
          inFlight--;
        }
        if (stopping.getAsBoolean() || waiting.isEmpty() || inFlight >= MAX_PENDING_REVOKES) {
          return;
        }
        id = waiting.poll();
        inFlight++;
      }
      CompletableFuture<?> f;
      try {
        f = revokeOne.apply(id);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete(
          (ok, err) -> {
            if (err != null) {
              LOG.atWarn()
                  .addKeyValue("lease-id", String.format("%016x", id))
                  .addKeyValue("error", Failures.message(err))
                  .log("failed to revoke lease");
            }
            next(true);
          });
    }
  }
}
