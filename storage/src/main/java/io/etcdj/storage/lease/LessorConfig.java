package io.etcdj.storage.lease;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of a {@link LessorImpl} (etcd {@code LessorConfig}, plus the rates etcd keeps as package
 * variables so tests can lower them).
 *
 * @param minLeaseTtl smallest TTL in seconds a lease is granted with; shorter requests are raised
 *     to it. etcd derives it from the raft timing, see {@link #minLeaseTtlFor}.
 * @param checkpointInterval how often a long lease's remaining TTL is checkpointed
 * @param expiredLeasesRetryInterval how long an expired lease waits before it is offered for
 *     revocation again, in case the first revoke proposal was lost
 * @param checkpointPersist whether checkpointed remaining TTLs are also written to the lease bucket
 *     (etcd's hidden {@code --experimental-enable-lease-checkpoint-persist})
 * @param revokeRate expired leases offered per second at most; {@link Lessor#run()} offers half
 *     this per call, since etcd runs it twice a second
 * @param checkpointRate checkpoint batches per second at most (halved per call likewise)
 * @param maxCheckpointBatchSize checkpoints in one request to the {@link Checkpointer} at most
 */
public record LessorConfig(
    long minLeaseTtl,
    Duration checkpointInterval,
    Duration expiredLeasesRetryInterval,
    boolean checkpointPersist,
    int revokeRate,
    int checkpointRate,
    int maxCheckpointBatchSize) {

  /** etcd {@code defaultLeaseCheckpointInterval}. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(5);

  /** etcd {@code defaultExpiredleaseRetryInterval}. */
  public static final Duration DEFAULT_EXPIRED_LEASES_RETRY_INTERVAL = Duration.ofSeconds(3);

  /** etcd {@code leaseRevokeRate}. */
  public static final int DEFAULT_REVOKE_RATE = 1000;

  /** etcd {@code leaseCheckpointRate}. */
  public static final int DEFAULT_CHECKPOINT_RATE = 1000;

  /** etcd {@code maxLeaseCheckpointBatchSize}. */
  public static final int DEFAULT_MAX_CHECKPOINT_BATCH_SIZE = 1000;

  public LessorConfig {
    requireNonNull(checkpointInterval, "checkpointInterval");
    requireNonNull(expiredLeasesRetryInterval, "expiredLeasesRetryInterval");
    checkArgument(minLeaseTtl >= 0, "minLeaseTtl must not be negative: %s", minLeaseTtl);
    checkArgument(revokeRate >= 2, "revokeRate must be at least 2: %s", revokeRate);
    checkArgument(checkpointRate >= 2, "checkpointRate must be at least 2: %s", checkpointRate);
    checkArgument(maxCheckpointBatchSize > 0, "maxCheckpointBatchSize must be positive");
    // Like etcd, a zero interval means "use the default".
    if (checkpointInterval.isZero()) {
      checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    }
    if (expiredLeasesRetryInterval.isZero()) {
      expiredLeasesRetryInterval = DEFAULT_EXPIRED_LEASES_RETRY_INTERVAL;
    }
  }

  /** etcd's defaults with the given minimum TTL and checkpoint persistence off. */
  public static LessorConfig withMinLeaseTtl(long minLeaseTtl) {
    return new LessorConfig(
        minLeaseTtl,
        DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_EXPIRED_LEASES_RETRY_INTERVAL,
        false,
        DEFAULT_REVOKE_RATE,
        DEFAULT_CHECKPOINT_RATE,
        DEFAULT_MAX_CHECKPOINT_BATCH_SIZE);
  }

  /**
   * The minimum lease TTL etcd's server computes from raft timing: one and a half election
   * timeouts, rounded up to whole seconds ({@code etcdserver.NewServer}). With etcd's defaults (10
   * election ticks of 100 ms) this is 2 seconds.
   */
  public static long minLeaseTtlFor(int electionTicks, Duration heartbeatInterval) {
    // Integer division first, as etcd does: (3 * ticks) / 2 heartbeats.
    long nanos = ((3L * electionTicks) / 2) * heartbeatInterval.toNanos();
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  public LessorConfig withCheckpointInterval(Duration interval) {
    return new LessorConfig(
        minLeaseTtl,
        interval,
        expiredLeasesRetryInterval,
        checkpointPersist,
        revokeRate,
        checkpointRate,
        maxCheckpointBatchSize);
  }

  public LessorConfig withExpiredLeasesRetryInterval(Duration interval) {
    return new LessorConfig(
        minLeaseTtl,
        checkpointInterval,
        interval,
        checkpointPersist,
        revokeRate,
        checkpointRate,
        maxCheckpointBatchSize);
  }

  public LessorConfig withCheckpointPersist(boolean persist) {
    return new LessorConfig(
        minLeaseTtl,
        checkpointInterval,
        expiredLeasesRetryInterval,
        persist,
        revokeRate,
        checkpointRate,
        maxCheckpointBatchSize);
  }

  public LessorConfig withRevokeRate(int rate) {
    return new LessorConfig(
        minLeaseTtl,
        checkpointInterval,
        expiredLeasesRetryInterval,
        checkpointPersist,
        rate,
        checkpointRate,
        maxCheckpointBatchSize);
  }
}
