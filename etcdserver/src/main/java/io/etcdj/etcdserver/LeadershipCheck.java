package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this member is still the leader before it acts as one (etcd 3.4.31's {@code
 * ensureLeadership} in {@code etcdserver/server.go}, issue 15247). A leader whose raft loop is
 * stuck, say writing the WAL, keeps believing it leads after the others elected someone else; its
 * lease revokes and checkpoints must then be dropped. A loop that ticked within the last three
 * heartbeats is alive and its view is trusted; otherwise a linearizable read confirms leadership
 * with a quorum and the leader it reports decides.
 *
 * <p>Threading: {@link #ensure} may be called from any thread and never blocks; the future
 * completes on the thread that completes the read (apply or raft thread) or at once.
 */
final class LeadershipCheck {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipCheck.class);

  private final long memberId;
  private final LongSupplier lastTickNanos;
  private final LongSupplier nanoClock;
  private final Duration activeWithin;
  private final Supplier<CompletableFuture<Void>> readNotify;
  private final LongSupplier leader;

  /**
   * @param lastTickNanos when the raft loop last processed a tick, on {@code nanoClock}
   * @param tickMs {@code --heartbeat-interval}; three of them without a tick mean inactive
   * @param readNotify a linearizable read barrier (fails after the request timeout)
   * @param leader the leader raft currently reports
   */
  LeadershipCheck(
      long memberId,
      LongSupplier lastTickNanos,
      LongSupplier nanoClock,
      long tickMs,
      Supplier<CompletableFuture<Void>> readNotify,
      LongSupplier leader) {
    this.memberId = memberId;
    this.lastTickNanos = requireNonNull(lastTickNanos, "lastTickNanos");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    this.activeWithin = Duration.ofMillis(3 * tickMs);
    this.readNotify = requireNonNull(readNotify, "readNotify");
    this.leader = requireNonNull(leader, "leader");
  }

  /** etcd's {@code isActive}: a tick was processed within three heartbeat intervals. */
  boolean isActive() {
    return nanoClock.getAsLong() - lastTickNanos.getAsLong() < activeWithin.toNanos();
  }

  /** Completes with whether this member still leads; never exceptionally. */
  CompletableFuture<Boolean> ensure() {
    if (isActive()) {
      LOG.debug("The member is active, skip checking leadership");
      return CompletableFuture.completedFuture(true);
    }
    CompletableFuture<Void> read;
    try {
      read = readNotify.get();
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    return read.handle(
        (ok, err) -> {
          if (err != null) {
            LOG.atWarn()
                .addKeyValue("error", Failures.message(err))
                .log("Failed to check current member's leadership");
            return false;
          }
          long lead = leader.getAsLong();
          if (lead != memberId) {
            LOG.atWarn()
                .addKeyValue("local-member-id", uint64(memberId))
                .addKeyValue("new-lead", uint64(lead))
                .log("Current member isn't a leader");
            return false;
          }
          return true;
        });
  }

  /** A member ID as zap's {@code Uint64} field prints it: an unsigned decimal number. */
  static BigInteger uint64(long id) {
    return new BigInteger(Long.toUnsignedString(id));
  }
}
