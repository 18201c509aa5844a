package io.etcdj.embed;

import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.etcdserver.HousekeepingConfig;
import io.etcdj.etcdserver.types.UrlsMap;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** embed's {@code Config} → etcdserver's {@code ServerConfig}, as {@code StartEtcd} builds it. */
final class ServerConfigs {
  private ServerConfigs() {}

  /**
   * @throws ConfigException {@code error parsing CompactionRetention: ...}
   */
  static EtcdServerConfig from(Config cfg, Advertised adv, ScheduledExecutorService scheduler)
      throws ConfigException {
    return EtcdServerConfig.builder(cfg.name(), cfg.effectiveDataDir(), scheduler)
        .initialCluster(UrlsMap.parse(adv.initialCluster()))
        .initialClusterToken(cfg.initialClusterToken())
        .clientUrls(adv.clientUrls().stream().map(URI::toString).toList())
        .tickMs(cfg.tickMs())
        .electionTicks(cfg.electionTicks())
        .snapshotCount(cfg.snapshotCount())
        .maxTxnOps(Math.toIntExact(cfg.maxTxnOps()))
        .maxRequestBytes(cfg.maxRequestBytes())
        .unsafeNoFsync(cfg.unsafeNoFsync())
        .quotaBackendBytes(cfg.quotaBackendBytes())
        .housekeeping(housekeeping(cfg))
        .strictReconfigCheck(cfg.strictReconfigCheck())
        .bcryptCost((int) Math.min(Integer.MAX_VALUE, cfg.bcryptCost()))
        .authTokenTtlSeconds(cfg.authTokenTtl())
        .build();
  }

  static HousekeepingConfig housekeeping(Config cfg) throws ConfigException {
    // An empty retention means "0" (StartEtcd).
    String retention =
        cfg.autoCompactionRetention().isEmpty() ? "0" : cfg.autoCompactionRetention();
    return HousekeepingConfig.DEFAULT
        .withAutoCompaction(
            cfg.autoCompactionMode(), compactionRetention(cfg.autoCompactionMode(), retention))
        .withWatchProgressNotifyInterval(cfg.experimentalWatchProgressNotifyInterval())
        .withLeaseCheckpoint(
            cfg.experimentalEnableLeaseCheckpoint(),
            cfg.experimentalEnableLeaseCheckpointPersist(),
            Duration.ZERO)
        .withMaxFiles(cfg.maxSnapFiles(), cfg.maxWalFiles())
        .withCorruptCheck(
            cfg.experimentalInitialCorruptCheck(), cfg.experimentalCorruptCheckTime());
  }

  /**
   * etcd's {@code parseCompactionRetention}: a non-negative integer is hours in periodic mode and
   * revisions in revision mode (a duration of that many nanoseconds, as etcd carries it; zero in
   * any other mode); anything else is a Go duration.
   */
  static Duration compactionRetention(String mode, String retention) throws ConfigException {
    Long h = atoi(retention);
    if (h != null && h >= 0) {
      return switch (mode) {
        case Config.COMPACTOR_MODE_REVISION -> Duration.ofNanos(h);
        case Config.COMPACTOR_MODE_PERIODIC -> Duration.ofHours(h);
        default -> Duration.ZERO;
      };
    }
    try {
      return GoDuration.parse(retention);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("error parsing CompactionRetention: " + e.getMessage());
    }
  }

  /** Go's {@code strconv.Atoi} on a 64-bit platform, or null where it fails. */
  private static Long atoi(String s) {
    if (s.isEmpty()) {
      return null;
    }
    int i = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
    if (i == s.length()) {
      return null;
    }
    for (int j = i; j < s.length(); j++) {
      if (s.charAt(j) < '0' || s.charAt(j) > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null; // out of range
    }
  }
}
