package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The settings of a member's background duties, from etcd's {@code ServerConfig}: auto-compaction,
 * watch progress notifications, lease checkpoints, file purging and corruption checks. Checked at
 * the edge (embed); trusted here.
 *
 * <p>Immutable.
 *
 * @param autoCompactionMode {@code --auto-compaction-mode}: {@code periodic} or {@code revision}
 * @param autoCompactionRetention {@code --auto-compaction-retention} as embed parses it; zero
 *     disables auto-compaction. In revision mode its nanoseconds are the number of revisions, as
 *     etcd passes one {@code time.Duration} to both modes.
 * @param watchProgressNotifyInterval {@code --experimental-watch-progress-notify-interval}; zero
 *     means etcd's 10 minutes, less than 100 ms is raised to 100 ms
 * @param enableLeaseCheckpoint {@code --experimental-enable-lease-checkpoint}
 * @param leaseCheckpointPersist {@code --experimental-enable-lease-checkpoint-persist}
 * @param leaseCheckpointInterval etcd's {@code LeaseCheckpointInterval} (no flag in 3.4); zero
 *     means 5 minutes
 * @param maxSnapFiles {@code --max-snapshots}; zero keeps every snapshot
 * @param maxWalFiles {@code --max-wals}; zero keeps every WAL file
 * @param initialCorruptCheck {@code --experimental-initial-corrupt-check}
 * @param corruptCheckTime {@code --experimental-corrupt-check-time}; zero disables the check
 */
public record HousekeepingConfig(
    String autoCompactionMode,
    Duration autoCompactionRetention,
    Duration watchProgressNotifyInterval,
    boolean enableLeaseCheckpoint,
    boolean leaseCheckpointPersist,
    Duration leaseCheckpointInterval,
    long maxSnapFiles,
    long maxWalFiles,
    boolean initialCorruptCheck,
    Duration corruptCheckTime) {

  /** etcd's defaults: no auto-compaction, 5 snapshots and 5 WAL files kept, no checks. */
  public static final HousekeepingConfig DEFAULT =
      new HousekeepingConfig(
          "periodic",
          Duration.ZERO,
          Duration.ZERO,
          false,
          false,
          Duration.ZERO,
          5,
          5,
          false,
          Duration.ZERO);

  public HousekeepingConfig {
    requireNonNull(autoCompactionMode, "autoCompactionMode");
    requireNonNull(autoCompactionRetention, "autoCompactionRetention");
    requireNonNull(watchProgressNotifyInterval, "watchProgressNotifyInterval");
    requireNonNull(leaseCheckpointInterval, "leaseCheckpointInterval");
    requireNonNull(corruptCheckTime, "corruptCheckTime");
  }

  public HousekeepingConfig withAutoCompaction(String mode, Duration retention) {
    return new HousekeepingConfig(
        mode,
        retention,
        watchProgressNotifyInterval,
        enableLeaseCheckpoint,
        leaseCheckpointPersist,
        leaseCheckpointInterval,
        maxSnapFiles,
        maxWalFiles,
        initialCorruptCheck,
        corruptCheckTime);
  }

  public HousekeepingConfig withWatchProgressNotifyInterval(Duration d) {
    return new HousekeepingConfig(
        autoCompactionMode,
        autoCompactionRetention,
        d,
        enableLeaseCheckpoint,
        leaseCheckpointPersist,
        leaseCheckpointInterval,
        maxSnapFiles,
        maxWalFiles,
        initialCorruptCheck,
        corruptCheckTime);
  }

  public HousekeepingConfig withLeaseCheckpoint(boolean enable, boolean persist, Duration every) {
    return new HousekeepingConfig(
        autoCompactionMode,
        autoCompactionRetention,
        watchProgressNotifyInterval,
        enable,
        persist,
        every,
        maxSnapFiles,
        maxWalFiles,
        initialCorruptCheck,
        corruptCheckTime);
  }

  public HousekeepingConfig withMaxFiles(long snapFiles, long walFiles) {
    return new HousekeepingConfig(
        autoCompactionMode,
        autoCompactionRetention,
        watchProgressNotifyInterval,
        enableLeaseCheckpoint,
        leaseCheckpointPersist,
        leaseCheckpointInterval,
        snapFiles,
        walFiles,
        initialCorruptCheck,
        corruptCheckTime);
  }

  public HousekeepingConfig withCorruptCheck(boolean initial, Duration every) {
    return new HousekeepingConfig(
        autoCompactionMode,
        autoCompactionRetention,
        watchProgressNotifyInterval,
        enableLeaseCheckpoint,
        leaseCheckpointPersist,
        leaseCheckpointInterval,
        maxSnapFiles,
        maxWalFiles,
        initial,
        every);
  }
}
