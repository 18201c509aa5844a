package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.etcdserver.types.UrlsMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What {@link EtcdServer} needs from etcd's {@code ServerConfig} ({@code etcdserver/config.go}):
 * checked once at the edge (embed's {@code Config.validate}); trusted here.
 *
 * <p>Immutable; build with {@link #builder}.
 *
 * @param name {@code --name}
 * @param dataDir {@code --data-dir}; the member's files go under {@code member/}
 * @param initialCluster {@code --initial-cluster}, used only when the data dir has no WAL
 * @param initialClusterToken {@code --initial-cluster-token}
 * @param clientUrls {@code --advertise-client-urls}, published as the member's attributes
 * @param tickMs {@code --heartbeat-interval}
 * @param electionTicks {@code --election-timeout} / {@code --heartbeat-interval}
 * @param snapshotCount {@code --snapshot-count}
 * @param maxTxnOps {@code --max-txn-ops}
 * @param maxRequestBytes {@code --max-request-bytes}
 * @param scheduler ticks, request timeouts and the lease loop run here (owned by the caller)
 * @param wallClockMillis Unix milliseconds, for the request ID generator's start time
 * @param unsafeNoFsync {@code --unsafe-no-fsync}
 * @param random raft's randomized election timeouts
 * @param quotaBackendBytes {@code --quota-backend-bytes}: 0 means {@link
 *     BackendQuota#DEFAULT_QUOTA_BYTES}, negative disables the quota
 * @param housekeeping auto-compaction, watch progress, lease checkpoints, purging, corruption
 *     checks
 * @param strictReconfigCheck {@code --strict-reconfig-check}: refuse member changes that would
 *     break quorum
 * @param bcryptCost {@code --bcrypt-cost}
 * @param authTokenTtlSeconds {@code --auth-token-ttl}
 */
public record EtcdServerConfig(
    String name,
    Path dataDir,
    UrlsMap initialCluster,
    String initialClusterToken,
    List<String> clientUrls,
    long tickMs,
    int electionTicks,
    long snapshotCount,
    int maxTxnOps,
    long maxRequestBytes,
    ScheduledExecutorService scheduler,
    LongSupplier wallClockMillis,
    boolean unsafeNoFsync,
    Random random,
    long quotaBackendBytes,
    HousekeepingConfig housekeeping,
    boolean strictReconfigCheck,
    int bcryptCost,
    long authTokenTtlSeconds) {

  /** {@code DefaultSnapshotCount}. */
  public static final long DEFAULT_SNAPSHOT_COUNT = 100_000;

  /** {@code SnapshotCatchUpEntries}: entries kept in the raft log after a snapshot. */
  public static final long SNAPSHOT_CATCH_UP_ENTRIES = 5000;

  public EtcdServerConfig {
    requireNonNull(name, "name");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(initialCluster, "initialCluster");
    requireNonNull(initialClusterToken, "initialClusterToken");
    clientUrls = List.copyOf(clientUrls);
    requireNonNull(scheduler, "scheduler");
    requireNonNull(wallClockMillis, "wallClockMillis");
    requireNonNull(random, "random");
    requireNonNull(housekeeping, "housekeeping");
  }

  public ServerTimeouts timeouts() {
    return new ServerTimeouts(tickMs, electionTicks);
  }

  public Path memberDir() {
    return dataDir.resolve("member");
  }

  public Path walDir() {
    return memberDir().resolve("wal");
  }

  public Path snapDir() {
    return memberDir().resolve("snap");
  }

  public Path backendPath() {
    return snapDir().resolve("db");
  }

  public static Builder builder(String name, Path dataDir, ScheduledExecutorService scheduler) {
    return new Builder(name, dataDir, scheduler);
  }

  /** etcd's defaults: one member {@code name=http://localhost:2380}, token {@code etcd-cluster}. */
  public static final class Builder {
    private final String name;
    private final Path dataDir;
    private final ScheduledExecutorService scheduler;
    private UrlsMap initialCluster;
    private String initialClusterToken = "etcd-cluster";
    private List<String> clientUrls = List.of("http://localhost:2379");
    private long tickMs = 100;
    private int electionTicks = 10;
    private long snapshotCount = DEFAULT_SNAPSHOT_COUNT;
    private int maxTxnOps = RaftRequests.DEFAULT_MAX_TXN_OPS;
    private long maxRequestBytes = RaftRequests.DEFAULT_MAX_REQUEST_BYTES;
    private LongSupplier wallClockMillis = System::currentTimeMillis;
    private boolean unsafeNoFsync;
    private Random random;
    private long quotaBackendBytes;
    private HousekeepingConfig housekeeping = HousekeepingConfig.DEFAULT;
    private boolean strictReconfigCheck = true;
    private int bcryptCost = 10;
    private long authTokenTtlSeconds = 300;

    private Builder(String name, Path dataDir, ScheduledExecutorService scheduler) {
      this.name = name;
      this.dataDir = dataDir;
      this.scheduler = scheduler;
      this.initialCluster = UrlsMap.parse(name + "=http://localhost:2380");
    }

    public Builder initialCluster(UrlsMap v) {
      initialCluster = v;
      return this;
    }

    public Builder initialClusterToken(String v) {
      initialClusterToken = v;
      return this;
    }

    public Builder clientUrls(List<String> v) {
      clientUrls = v;
      return this;
    }

    public Builder tickMs(long v) {
      tickMs = v;
      return this;
    }

    public Builder electionTicks(int v) {
      electionTicks = v;
      return this;
    }

    public Builder snapshotCount(long v) {
      snapshotCount = v;
      return this;
    }

    public Builder maxTxnOps(int v) {
      maxTxnOps = v;
      return this;
    }

    public Builder maxRequestBytes(long v) {
      maxRequestBytes = v;
      return this;
    }

    public Builder wallClockMillis(LongSupplier v) {
      wallClockMillis = v;
      return this;
    }

    public Builder unsafeNoFsync(boolean v) {
      unsafeNoFsync = v;
      return this;
    }

    public Builder random(Random v) {
      random = v;
      return this;
    }

    public Builder quotaBackendBytes(long v) {
      quotaBackendBytes = v;
      return this;
    }

    public Builder housekeeping(HousekeepingConfig v) {
      housekeeping = v;
      return this;
    }

    public Builder strictReconfigCheck(boolean v) {
      strictReconfigCheck = v;
      return this;
    }

    public Builder bcryptCost(int v) {
      bcryptCost = v;
      return this;
    }

    public Builder authTokenTtlSeconds(long v) {
      authTokenTtlSeconds = v;
      return this;
    }

    public EtcdServerConfig build() {
      return new EtcdServerConfig(
          name,
          dataDir,
          initialCluster,
          initialClusterToken,
          clientUrls,
          tickMs,
          electionTicks,
          snapshotCount,
          maxTxnOps,
          maxRequestBytes,
          scheduler,
          wallClockMillis,
          unsafeNoFsync,
          random == null ? new Random() : random,
          quotaBackendBytes,
          housekeeping,
          strictReconfigCheck,
          bcryptCost,
          authTokenTtlSeconds);
    }
  }
}
