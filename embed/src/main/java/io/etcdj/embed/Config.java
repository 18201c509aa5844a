package io.etcdj.embed;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything that configures one etcdj node: etcd 3.4's {@code embed.Config} plus the v2 proxy
 * settings etcd keeps in {@code etcdmain}. A new instance holds etcd's defaults; fluent setters
 * change it; {@link #validate()} applies etcd's checks with etcd's error texts.
 *
 * <p>Settings are grouped as etcd's help groups them (member, clustering, proxy, security, auth,
 * profiling, logging, experimental, unsafe); each accessor names its flag. Unsigned Go integers are
 * {@code long}s. URL lists are {@link URI}s in etcd's sorted order; an empty list means "unset"
 * (Go's nil).
 *
 * <p>Threading: a Config is a plain mutable value with no shared or static state; build it on one
 * thread, validate it, then hand it over (several Configs may live in one JVM).
 */
public final class Config {

  public static final String CLUSTER_STATE_NEW = "new";
  public static final String CLUSTER_STATE_EXISTING = "existing";
  public static final String DEFAULT_NAME = "default";
  public static final long DEFAULT_MAX_SNAPSHOTS = 5;
  public static final long DEFAULT_MAX_WALS = 5;
  public static final long DEFAULT_MAX_TXN_OPS = 128;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1572864; // 1.5 MiB
  public static final long DEFAULT_MAX_CONCURRENT_STREAMS = 0xFFFF_FFFFL; // MaxUint32
  public static final long DEFAULT_SNAPSHOT_COUNT = 100000;
  public static final long DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5000;
  public static final long DEFAULT_BCRYPT_COST = 10;
  public static final Duration DEFAULT_WARNING_APPLY_DURATION = Duration.ofMillis(100);
  public static final Duration DEFAULT_GRPC_KEEPALIVE_MIN_TIME = Duration.ofSeconds(5);
  public static final Duration DEFAULT_GRPC_KEEPALIVE_INTERVAL = Duration.ofHours(2);
  public static final Duration DEFAULT_GRPC_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
  public static final String DEFAULT_LISTEN_PEER_URLS = "http://localhost:2380";
  public static final String DEFAULT_LISTEN_CLIENT_URLS = "http://localhost:2379";
  public static final String DEFAULT_INITIAL_ADVERTISE_PEER_URLS = "http://localhost:2380";
  public static final String DEFAULT_ADVERTISE_CLIENT_URLS = "http://localhost:2379";
  public static final String LOG_OUTPUT_DEFAULT = "default";
  public static final String LOG_OUTPUT_JOURNAL = "systemd/journal";
  public static final String LOG_OUTPUT_STDERR = "stderr";
  public static final String LOG_OUTPUT_STDOUT = "stdout";
  public static final String LOGGER_ZAP = "zap";
  public static final String LOGGER_CAPNSLOG = "capnslog";
  public static final String COMPACTOR_MODE_PERIODIC = "periodic";
  public static final String COMPACTOR_MODE_REVISION = "revision";
  public static final String TLS_VERSION_12 = "TLS1.2";
  public static final String TLS_VERSION_13 = "TLS1.3";

  /** etcd's maxElectionMs. */
  public static final long MAX_ELECTION_MS = 50000;

  static final String ERR_CONFLICT_BOOTSTRAP_FLAGS =
      "multiple discovery or bootstrap flags are set. "
          + "Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"";
  static final String ERR_UNSET_ADVERTISE_CLIENT_URLS =
      "--advertise-client-urls is required when --listen-client-urls is set explicitly";

  // Member
  private String name = DEFAULT_NAME;
  private String dataDir = "";
  private String walDir = "";
  private long snapshotCount = DEFAULT_SNAPSHOT_COUNT;
  private long snapshotCatchUpEntries = DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES;
  private long maxSnapFiles = DEFAULT_MAX_SNAPSHOTS;
  private long maxWalFiles = DEFAULT_MAX_WALS;
  private long tickMs = 100;
  private long electionMs = 1000;
  private boolean initialElectionTickAdvance = true;
  private long quotaBackendBytes = 0;
  private Duration backendBatchInterval = Duration.ZERO;
  private long backendBatchLimit = 0;
  private long maxTxnOps = DEFAULT_MAX_TXN_OPS;
  private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  private long maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
  private Duration grpcKeepAliveMinTime = DEFAULT_GRPC_KEEPALIVE_MIN_TIME;
  private Duration grpcKeepAliveInterval = DEFAULT_GRPC_KEEPALIVE_INTERVAL;
  private Duration grpcKeepAliveTimeout = DEFAULT_GRPC_KEEPALIVE_TIMEOUT;
  private List<URI> listenPeerUrls = List.of(URI.create(DEFAULT_LISTEN_PEER_URLS));
  private List<URI> listenClientUrls = List.of(URI.create(DEFAULT_LISTEN_CLIENT_URLS));
  private List<URI> listenClientHttpUrls = List.of();
  private List<URI> listenMetricsUrls = List.of();

  // Clustering
  private List<URI> advertisePeerUrls = List.of(URI.create(DEFAULT_INITIAL_ADVERTISE_PEER_URLS));
  private List<URI> advertiseClientUrls = List.of(URI.create(DEFAULT_ADVERTISE_CLIENT_URLS));
  private String discovery = "";
  private String discoveryFallback = "proxy";
  private String discoveryProxy = "";
  private String discoverySrv = "";
  private String discoverySrvName = "";
  private String initialCluster = "";
  private String initialClusterToken = "etcd-cluster";
  private String initialClusterState = CLUSTER_STATE_NEW;
  private boolean strictReconfigCheck = true;
  private boolean enableV2 = false;
  private boolean preVote = false;
  private String autoCompactionMode = COMPACTOR_MODE_PERIODIC;
  private String autoCompactionRetention = "0";
  private boolean nextClusterVersionCompatible = false;

  // Proxy
  private String proxy = "off";
  private long proxyFailureWaitMs = 5000;
  private long proxyRefreshIntervalMs = 30000;
  private long proxyDialTimeoutMs = 1000;
  private long proxyWriteTimeoutMs = 5000;
  private long proxyReadTimeoutMs = 0;

  // Security
  private TlsConfig clientTls = TlsConfig.NONE;
  private boolean clientAutoTls = false;
  private TlsConfig peerTls = TlsConfig.NONE;
  private boolean peerAutoTls = false;
  private List<String> cipherSuites = List.of();
  private String tlsMinVersion = TLS_VERSION_12;
  private String tlsMaxVersion = "";
  private Set<String> cors = Set.of("*");
  private Set<String> hostWhitelist = Set.of("*");

  // Auth
  private String authToken = "simple";
  private long bcryptCost = DEFAULT_BCRYPT_COST;
  private long authTokenTtl = 300;

  // Profiling and monitoring
  private boolean enablePprof = false;
  private String metrics = "basic";
  private boolean enableGrpcGateway = false;

  // Logging
  private String logger = LOGGER_ZAP;
  private List<String> logOutputs = List.of(LOG_OUTPUT_DEFAULT);
  private List<String> deprecatedLogOutput = List.of(LOG_OUTPUT_DEFAULT);
  private String logLevel = "info";
  private boolean debug = false;
  private String logPackageLevels = "";

  // Experimental
  private boolean experimentalInitialCorruptCheck = false;
  private Duration experimentalCorruptCheckTime = Duration.ZERO;
  private String experimentalEnableV2V3 = "";
  private String experimentalBackendFreelistType = "";
  private boolean experimentalEnableLeaseCheckpoint = false;
  private boolean experimentalEnableLeaseCheckpointPersist = false;
  private long experimentalCompactionBatchLimit = 0;
  private Duration experimentalWatchProgressNotifyInterval = Duration.ZERO;
  private Duration experimentalWarningApplyDuration = DEFAULT_WARNING_APPLY_DURATION;

  // Unsafe
  private boolean forceNewCluster = false;
  private boolean unsafeNoFsync = false;

  /**
   * A node with etcd's defaults; {@link #initialCluster()} is {@code
   * default=http://localhost:2380}.
   */
  public Config() {
    initialCluster = initialClusterFromName(name);
  }

  /** What {@link #validate()} says besides "fine": lines etcd prints before logging is set up. */
  /**
   * A single member for embedding and tests: data in {@code dataDir}, client and peer URLs on
   * loopback with ephemeral ports ({@code http://127.0.0.1:0}); {@link Etcd} advertises the ports
   * it bound; the JSON gateway on, as the etcd command has it. Everything else is etcd's default.
   */
  public static Config forEmbedding(Path dataDir) {
    URI loopback = URI.create("http://127.0.0.1:0");
    Config c = new Config().dataDir(dataDir.toString());
    c.listenPeerUrls(List.of(loopback)).advertisePeerUrls(List.of(loopback));
    c.listenClientUrls(List.of(loopback)).advertiseClientUrls(List.of(loopback));
    c.initialCluster(c.initialClusterFromName(c.name()));
    c.enableGrpcGateway(true); // as the etcd command's flag default
    return c;
  }

  public record Validation(List<String> stderrLines, List<String> logWarnings) {
    public Validation {
      stderrLines = List.copyOf(stderrLines);
      logWarnings = List.copyOf(logWarnings);
    }
  }

  /**
   * etcd's {@code Config.Validate}, including the checks of its {@code setupLogging}: the first
   * problem is thrown with etcd's text. Like etcd it may normalise the log outputs (the deprecated
   * {@code --log-output} replacing {@code --log-outputs}).
   *
   * @return the warnings etcd prints to stderr ({@code [WARNING] ...}) and the ones it logs
   */
  public Validation validate() throws ConfigException {
    List<String> stderr = new ArrayList<>();
    List<String> log = new ArrayList<>();
    try {
      return validate(stderr, log);
    } catch (ConfigException e) {
      // etcd prints its [WARNING] lines before it fails; the caller prints them from here.
      throw e.withStderrLines(stderr);
    }
  }

  private Validation validate(List<String> stderr, List<String> log) throws ConfigException {
    validateLogging(stderr);
    checkBindUrls(listenPeerUrls);
    checkBindUrls(listenClientUrls);
    checkBindUrls(listenClientHttpUrls);
    checkBindUrls(listenMetricsUrls);
    String apErr = checkHostUrls(advertisePeerUrls);
    if (apErr != null) {
      throw new ConfigException(
          String.format(
              "--initial-advertise-peer-urls %s must be \"host:port\" (%s)",
              GoText.quote(GoUrls.join(advertisePeerUrls)), apErr));
    }
    String acErr = checkHostUrls(advertiseClientUrls);
    if (acErr != null) {
      throw new ConfigException(
          String.format(
              "--advertise-client-urls %s must be \"host:port\" (%s)",
              GoText.quote(GoUrls.join(advertiseClientUrls)), acErr));
    }
    int bootstrapSources = 0;
    for (String s : List.of(discovery, initialCluster, discoverySrv)) {
      if (!s.isEmpty()) {
        bootstrapSources++;
      }
    }
    if (!initialClusterState.equals(CLUSTER_STATE_NEW)
        && !initialClusterState.equals(CLUSTER_STATE_EXISTING)) {
      throw new ConfigException("unexpected clusterState " + GoText.quote(initialClusterState));
    }
    if (bootstrapSources > 1) {
      throw new ConfigException(ERR_CONFLICT_BOOTSTRAP_FLAGS);
    }
    if (tickMs <= 0) {
      throw new ConfigException("--heartbeat-interval must be >0 (set to " + tickMs + "ms)");
    }
    if (electionMs <= 0) {
      throw new ConfigException("--election-timeout must be >0 (set to " + electionMs + "ms)");
    }
    if (5 * tickMs > electionMs) {
      throw new ConfigException(
          "--election-timeout["
              + electionMs
              + "ms] should be at least as 5 times as --heartbeat-interval["
              + tickMs
              + "ms]");
    }
    if (electionMs > MAX_ELECTION_MS) {
      throw new ConfigException(
          "--election-timeout["
              + electionMs
              + "ms] is too long, and should be set less than "
              + MAX_ELECTION_MS
              + "ms");
    }
    // Checked last because etcdmain forgives it when the node may run as a proxy.
    if (!listenClientUrls.isEmpty() && advertiseClientUrls.isEmpty()) {
      throw new ConfigException(ERR_UNSET_ADVERTISE_CLIENT_URLS, true);
    }
    switch (autoCompactionMode) {
      case "", COMPACTOR_MODE_PERIODIC, COMPACTOR_MODE_REVISION -> {}
      default ->
          throw new ConfigException(
              "unknown auto-compaction-mode " + GoText.quote(autoCompactionMode));
    }
    if (!experimentalEnableLeaseCheckpointPersist && experimentalEnableLeaseCheckpoint) {
      log.add(
          "Detected that checkpointing is enabled without persistence. Consider enabling"
              + " experimental-enable-lease-checkpoint-persist");
    }
    if (experimentalEnableLeaseCheckpointPersist && !experimentalEnableLeaseCheckpoint) {
      throw new ConfigException(
          "setting experimental-enable-lease-checkpoint-persist requires"
              + " experimental-enable-lease-checkpoint");
    }
    // etcd 3.4.27+ (--tls-min-version / --tls-max-version).
    int min = tlsVersion(tlsMinVersion);
    int max = tlsVersion(tlsMaxVersion);
    if (max != 0 && min > max) {
      throw new ConfigException(
          "min version ("
              + tlsMinVersion
              + ") is greater than max version ("
              + tlsMaxVersion
              + ")");
    }
    if (min == 13 && !cipherSuites.isEmpty()) {
      throw new ConfigException("cipher suites cannot be configured when only TLS1.3 is enabled");
    }
    return new Validation(stderr, log);
  }

  private static int tlsVersion(String v) throws ConfigException {
    return switch (v) {
      case "" -> 0;
      case TLS_VERSION_12 -> 12;
      case TLS_VERSION_13 -> 13;
      default ->
          throw new ConfigException(
              "unexpected TLS version " + GoText.quote(v) + " (must be one of: TLS1.2, TLS1.3)");
    };
  }

  // The checks of etcd's setupLogging, in its order; the logger itself is built by LogSetup.
  private void validateLogging(List<String> stderr) throws ConfigException {
    int len1 = deprecatedLogOutput.size();
    int len2 = logOutputs.size();
    if (len1 != len2) {
      if (len1 > len2) {
        stderr.add("'--log-output' flag has been deprecated! Please use '--log-outputs'!");
        logOutputs = deprecatedLogOutput;
      } else {
        deprecatedLogOutput = List.of();
      }
    } else {
      if (len1 > 1) {
        throw new ConfigException(
            "both '--log-output' and '--log-outputs' are set; only set '--log-outputs'");
      }
      if (len1 < 1) {
        throw new ConfigException("either '--log-output' or '--log-outputs' flag must be set");
      }
      if (deprecatedLogOutput.equals(logOutputs)
          && !deprecatedLogOutput.get(0).equals(LOG_OUTPUT_DEFAULT)) {
        throw new ConfigException(
            "'--log-output="
                + GoText.quoteList(deprecatedLogOutput)
                + "' and '--log-outputs="
                + GoText.quoteList(logOutputs)
                + "' are incompatible; only set --log-outputs");
      }
      if (!deprecatedLogOutput.equals(List.of(LOG_OUTPUT_DEFAULT))) {
        stderr.add(
            "[WARNING] Deprecated '--log-output' flag is set to "
                + GoText.quoteList(deprecatedLogOutput));
        stderr.add("Please use '--log-outputs' flag");
      }
    }
    if (debug) {
      stderr.add(
          "[WARNING] Deprecated '--debug' flag is set to true (use '--log-level=debug' instead");
    }
    if (debug && !logLevel.equals("debug")) {
      stderr.add(
          "[WARNING] Deprecated '--debug' flag is set to true with inconsistent '--log-level="
              + logLevel
              + "' flag");
    }
    if (logger.equals(LOGGER_CAPNSLOG)) {
      stderr.add(
          "[WARNING] Deprecated '--logger="
              + logger
              + "' flag is set; use '--logger=zap' flag instead");
    }
    if (!logPackageLevels.isEmpty()) {
      stderr.add(
          "[WARNING] Deprecated '--log-package-levels="
              + logPackageLevels
              + "' flag is set; use '--logger=zap' flag instead");
    }
    switch (logger) {
      case LOGGER_CAPNSLOG -> {
        checkLogLevel();
        if (logOutputs.size() != 1) {
          throw new ConfigException(
              "--logger=capnslog supports only 1 value in '--log-outputs', got "
                  + GoText.quoteList(logOutputs));
        }
        String out = logOutputs.get(0);
        if (!out.equals(LOG_OUTPUT_STDERR)
            && !out.equals(LOG_OUTPUT_STDOUT)
            && !out.equals(LOG_OUTPUT_DEFAULT)) {
          throw new ConfigException(
              "unknown log-output "
                  + GoText.quote(out)
                  + " (only supports \"default\", \"stderr\", \"stdout\")");
        }
      }
      case LOGGER_ZAP -> {
        if (logOutputs.isEmpty()) {
          logOutputs = List.of(LOG_OUTPUT_DEFAULT);
        }
        if (logOutputs.size() > 1 && logOutputs.contains(LOG_OUTPUT_DEFAULT)) {
          throw new ConfigException("multi logoutput for \"default\" is not supported yet");
        }
        if (logOutputs.contains(LOG_OUTPUT_JOURNAL) && logOutputs.size() > 1) {
          throw new ConfigException(
              "running with systemd/journal but other '--log-outputs' values ("
                  + GoText.quoteList(logOutputs)
                  + ") are configured with 'default'; override 'default' value with something"
                  + " else");
        }
        checkLogLevel();
      }
      default -> throw new ConfigException("unknown logger option " + GoText.quote(logger));
    }
  }

  // etcd panics on an unknown level; we refuse it with the panic's text.
  private void checkLogLevel() throws ConfigException {
    switch (logLevel) {
      case "debug", "info", "warn", "error", "dpanic", "panic", "fatal" -> {}
      default -> throw new ConfigException("unknown level " + GoText.quote(logLevel));
    }
  }

  private static void checkBindUrls(List<URI> urls) throws ConfigException {
    for (URI u : urls) {
      if ("unix".equals(u.getScheme()) || "unixs".equals(u.getScheme())) {
        continue;
      }
      String host;
      try {
        host = GoUrls.splitHostPort(GoUrls.host(u))[0];
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      if (host.equals("localhost")) {
        continue; // etcd's special case; other names are refused
      }
      if (!GoUrls.isIp(host)) {
        throw new ConfigException("expected IP in URL for binding (" + u + ")");
      }
    }
  }

  private static String checkHostUrls(List<URI> urls) {
    for (URI u : urls) {
      String host;
      try {
        host = GoUrls.splitHostPort(GoUrls.host(u))[0];
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
      if (host.isEmpty()) {
        return "unexpected empty host (" + u + ")";
      }
    }
    return null;
  }

  // ---- Derived values, as etcd computes them ----

  /**
   * etcd's {@code InitialClusterFromName}: {@code name=url} for each advertised peer URL, with
   * {@code default} for an empty name; empty when no peer URL is advertised.
   */
  public String initialClusterFromName(String memberName) {
    if (advertisePeerUrls.isEmpty()) {
      return "";
    }
    String n = memberName.isEmpty() ? DEFAULT_NAME : memberName;
    StringBuilder sb = new StringBuilder();
    for (URI u : advertisePeerUrls) {
      sb.append(',').append(n).append('=').append(u);
    }
    return sb.substring(1);
  }

  /**
   * The part of etcd's {@code UpdateDefaultClusterFromName} that does not look up the machine's
   * host: when only the name was changed, the initial cluster follows it ({@code etcd --name=abc}
   * bootstraps {@code abc=http://localhost:2380}). Call after {@link #validate()} with the {@link
   * #initialCluster()} a fresh Config had.
   */
  public void updateDefaultClusterFromName(String defaultInitialCluster) {
    if (!name.equals(DEFAULT_NAME) && initialCluster.equals(defaultInitialCluster)) {
      initialCluster = initialClusterFromName(name);
    }
  }

  /** True when bootstrapping a new cluster ({@code --initial-cluster-state new}). */
  public boolean isNewCluster() {
    return initialClusterState.equals(CLUSTER_STATE_NEW);
  }

  /** Raft election ticks: election timeout over heartbeat interval, rounded down. */
  public int electionTicks() {
    return (int) (electionMs / tickMs);
  }

  /** The data directory, defaulting to {@code <name>.etcd} as etcdmain does. */
  public Path effectiveDataDir() {
    return Path.of(dataDir.isEmpty() ? name + ".etcd" : dataDir);
  }

  /** {@code <data-dir>/member}. */
  public Path memberDir() {
    return effectiveDataDir().resolve("member");
  }

  /** {@code <data-dir>/member/wal}, or {@link #walDir()} when set. */
  public Path effectiveWalDir() {
    return walDir.isEmpty() ? memberDir().resolve("wal") : Path.of(walDir);
  }

  /** {@code <data-dir>/member/snap}: {@code .snap} files and the backend. */
  public Path snapDir() {
    return memberDir().resolve("snap");
  }

  /** {@code <data-dir>/member/snap/db}, the backend file. */
  public Path backendPath() {
    return snapDir().resolve("db");
  }

  /**
   * The static bootstrap membership parsed from {@link #initialCluster()} (etcd's {@code
   * types.NewURLsMap}): member name to its sorted peer URLs, in the order names first appear.
   */
  public Map<String, List<URI>> initialClusterMap() throws ConfigException {
    Map<String, List<URI>> byName = new LinkedHashMap<>();
    Map<String, List<String>> raw = new LinkedHashMap<>();
    if (!initialCluster.isEmpty()) {
      for (String part : initialCluster.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          continue; // Go's url.ParseQuery keeps such a name with an empty value; no URL results
        }
        raw.computeIfAbsent(part.substring(0, eq), k -> new ArrayList<>())
            .add(part.substring(eq + 1));
      }
    }
    for (Map.Entry<String, List<String>> e : raw.entrySet()) {
      try {
        byName.put(e.getKey(), GoUrls.parseList(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(ex.getMessage());
      }
    }
    return byName;
  }

  /** TLS is configured when a certificate or key file is given (etcd's {@code TLSInfo.Empty}). */
  static boolean tlsEmpty(TlsConfig t) {
    return t.certFile().isEmpty() && t.keyFile().isEmpty();
  }

  // ---- Member ----

  /** Human-readable member name ({@code --name}). */
  public String name() {
    return name;
  }

  /** Sets {@link #name()}. */
  public Config name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * Data directory ({@code --data-dir}); empty means {@code <name>.etcd}, see {@link
   * #effectiveDataDir()}.
   */
  public String dataDir() {
    return dataDir;
  }

  /** Sets {@link #dataDir()}. */
  public Config dataDir(String dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    return this;
  }

  /** Dedicated WAL directory ({@code --wal-dir}); empty means {@code <data-dir>/member/wal}. */
  public String walDir() {
    return walDir;
  }

  /** Sets {@link #walDir()}. */
  public Config walDir(String walDir) {
    this.walDir = Objects.requireNonNull(walDir, "walDir");
    return this;
  }

  /** Applied entries between snapshots ({@code --snapshot-count}). */
  public long snapshotCount() {
    return snapshotCount;
  }

  /** Sets {@link #snapshotCount()}. */
  public Config snapshotCount(long snapshotCount) {
    this.snapshotCount = snapshotCount;
    return this;
  }

  /**
   * Entries kept after a snapshot for slow followers (YAML {@code SnapshotCatchUpEntries} only;
   * tests).
   */
  public long snapshotCatchUpEntries() {
    return snapshotCatchUpEntries;
  }

  /** Sets {@link #snapshotCatchUpEntries()}. */
  public Config snapshotCatchUpEntries(long snapshotCatchUpEntries) {
    this.snapshotCatchUpEntries = snapshotCatchUpEntries;
    return this;
  }

  /** Snapshot files to keep, 0 unlimited ({@code --max-snapshots}). */
  public long maxSnapFiles() {
    return maxSnapFiles;
  }

  /** Sets {@link #maxSnapFiles()}. */
  public Config maxSnapFiles(long maxSnapFiles) {
    this.maxSnapFiles = maxSnapFiles;
    return this;
  }

  /** WAL files to keep, 0 unlimited ({@code --max-wals}). */
  public long maxWalFiles() {
    return maxWalFiles;
  }

  /** Sets {@link #maxWalFiles()}. */
  public Config maxWalFiles(long maxWalFiles) {
    this.maxWalFiles = maxWalFiles;
    return this;
  }

  /** Heartbeat interval in milliseconds, one raft tick ({@code --heartbeat-interval}). */
  public long tickMs() {
    return tickMs;
  }

  /** Sets {@link #tickMs()}. */
  public Config tickMs(long tickMs) {
    this.tickMs = tickMs;
    return this;
  }

  /** Election timeout in milliseconds ({@code --election-timeout}). */
  public long electionMs() {
    return electionMs;
  }

  /** Sets {@link #electionMs()}. */
  public Config electionMs(long electionMs) {
    this.electionMs = electionMs;
    return this;
  }

  /** Fast-forward election ticks at boot ({@code --initial-election-tick-advance}). */
  public boolean initialElectionTickAdvance() {
    return initialElectionTickAdvance;
  }

  /** Sets {@link #initialElectionTickAdvance()}. */
  public Config initialElectionTickAdvance(boolean initialElectionTickAdvance) {
    this.initialElectionTickAdvance = initialElectionTickAdvance;
    return this;
  }

  /**
   * Backend size alarm threshold; 0 means 2 GiB, negative no quota ({@code --quota-backend-bytes}).
   */
  public long quotaBackendBytes() {
    return quotaBackendBytes;
  }

  /** Sets {@link #quotaBackendBytes()}. */
  public Config quotaBackendBytes(long quotaBackendBytes) {
    this.quotaBackendBytes = quotaBackendBytes;
    return this;
  }

  /**
   * Longest time before a backend commit; zero means the backend's 100 ms ({@code
   * --backend-batch-interval}).
   */
  public Duration backendBatchInterval() {
    return backendBatchInterval;
  }

  /** Sets {@link #backendBatchInterval()}. */
  public Config backendBatchInterval(Duration backendBatchInterval) {
    this.backendBatchInterval =
        Objects.requireNonNull(backendBatchInterval, "backendBatchInterval");
    return this;
  }

  /**
   * Most operations before a backend commit; 0 means the backend's 10000 ({@code
   * --backend-batch-limit}).
   */
  public long backendBatchLimit() {
    return backendBatchLimit;
  }

  /** Sets {@link #backendBatchLimit()}. */
  public Config backendBatchLimit(long backendBatchLimit) {
    this.backendBatchLimit = backendBatchLimit;
    return this;
  }

  /** Most operations in one transaction ({@code --max-txn-ops}). */
  public long maxTxnOps() {
    return maxTxnOps;
  }

  /** Sets {@link #maxTxnOps()}. */
  public Config maxTxnOps(long maxTxnOps) {
    this.maxTxnOps = maxTxnOps;
    return this;
  }

  /** Largest client request in bytes ({@code --max-request-bytes}). */
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** Sets {@link #maxRequestBytes()}. */
  public Config maxRequestBytes(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
    return this;
  }

  /** HTTP/2 streams per client connection, a uint32 ({@code --max-concurrent-streams}). */
  public long maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** Sets {@link #maxConcurrentStreams()}. */
  public Config maxConcurrentStreams(long maxConcurrentStreams) {
    this.maxConcurrentStreams = maxConcurrentStreams;
    return this;
  }

  /** Shortest client ping interval tolerated ({@code --grpc-keepalive-min-time}). */
  public Duration grpcKeepAliveMinTime() {
    return grpcKeepAliveMinTime;
  }

  /** Sets {@link #grpcKeepAliveMinTime()}. */
  public Config grpcKeepAliveMinTime(Duration grpcKeepAliveMinTime) {
    this.grpcKeepAliveMinTime =
        Objects.requireNonNull(grpcKeepAliveMinTime, "grpcKeepAliveMinTime");
    return this;
  }

  /** Server-to-client ping interval, zero disables ({@code --grpc-keepalive-interval}). */
  public Duration grpcKeepAliveInterval() {
    return grpcKeepAliveInterval;
  }

  /** Sets {@link #grpcKeepAliveInterval()}. */
  public Config grpcKeepAliveInterval(Duration grpcKeepAliveInterval) {
    this.grpcKeepAliveInterval =
        Objects.requireNonNull(grpcKeepAliveInterval, "grpcKeepAliveInterval");
    return this;
  }

  /** Wait for a ping answer before closing, zero disables ({@code --grpc-keepalive-timeout}). */
  public Duration grpcKeepAliveTimeout() {
    return grpcKeepAliveTimeout;
  }

  /** Sets {@link #grpcKeepAliveTimeout()}. */
  public Config grpcKeepAliveTimeout(Duration grpcKeepAliveTimeout) {
    this.grpcKeepAliveTimeout =
        Objects.requireNonNull(grpcKeepAliveTimeout, "grpcKeepAliveTimeout");
    return this;
  }

  /** Peer listen URLs ({@code --listen-peer-urls}). */
  public List<URI> listenPeerUrls() {
    return listenPeerUrls;
  }

  /** Sets {@link #listenPeerUrls()}. */
  public Config listenPeerUrls(List<URI> listenPeerUrls) {
    this.listenPeerUrls = List.copyOf(listenPeerUrls);
    return this;
  }

  /**
   * Client listen URLs, gRPC and (unless {@link #listenClientHttpUrls()} is set) HTTP ({@code
   * --listen-client-urls}).
   */
  public List<URI> listenClientUrls() {
    return listenClientUrls;
  }

  /** Sets {@link #listenClientUrls()}. */
  public Config listenClientUrls(List<URI> listenClientUrls) {
    this.listenClientUrls = List.copyOf(listenClientUrls);
    return this;
  }

  /** HTTP-only client listen URLs ({@code --listen-client-http-urls}, etcd 3.4.25+). */
  public List<URI> listenClientHttpUrls() {
    return listenClientHttpUrls;
  }

  /** Sets {@link #listenClientHttpUrls()}. */
  public Config listenClientHttpUrls(List<URI> listenClientHttpUrls) {
    this.listenClientHttpUrls = List.copyOf(listenClientHttpUrls);
    return this;
  }

  /** Extra listeners for /metrics and /health ({@code --listen-metrics-urls}). */
  public List<URI> listenMetricsUrls() {
    return listenMetricsUrls;
  }

  /** Sets {@link #listenMetricsUrls()}. */
  public Config listenMetricsUrls(List<URI> listenMetricsUrls) {
    this.listenMetricsUrls = List.copyOf(listenMetricsUrls);
    return this;
  }

  // ---- Clustering ----

  /** Peer URLs advertised to the cluster ({@code --initial-advertise-peer-urls}). */
  public List<URI> advertisePeerUrls() {
    return advertisePeerUrls;
  }

  /** Sets {@link #advertisePeerUrls()}. */
  public Config advertisePeerUrls(List<URI> advertisePeerUrls) {
    this.advertisePeerUrls = List.copyOf(advertisePeerUrls);
    return this;
  }

  /** Client URLs advertised to clients ({@code --advertise-client-urls}); empty means unset. */
  public List<URI> advertiseClientUrls() {
    return advertiseClientUrls;
  }

  /** Sets {@link #advertiseClientUrls()}. */
  public Config advertiseClientUrls(List<URI> advertiseClientUrls) {
    this.advertiseClientUrls = List.copyOf(advertiseClientUrls);
    return this;
  }

  /** Discovery service URL ({@code --discovery}). */
  public String discovery() {
    return discovery;
  }

  /** Sets {@link #discovery()}. */
  public Config discovery(String discovery) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    return this;
  }

  /**
   * What to do when discovery fails: {@code proxy} or {@code exit} ({@code --discovery-fallback}).
   */
  public String discoveryFallback() {
    return discoveryFallback;
  }

  /** Sets {@link #discoveryFallback()}. */
  public Config discoveryFallback(String discoveryFallback) {
    this.discoveryFallback = Objects.requireNonNull(discoveryFallback, "discoveryFallback");
    return this;
  }

  /** HTTP proxy for the discovery service ({@code --discovery-proxy}). */
  public String discoveryProxy() {
    return discoveryProxy;
  }

  /** Sets {@link #discoveryProxy()}. */
  public Config discoveryProxy(String discoveryProxy) {
    this.discoveryProxy = Objects.requireNonNull(discoveryProxy, "discoveryProxy");
    return this;
  }

  /** DNS domain for SRV bootstrap ({@code --discovery-srv}). */
  public String discoverySrv() {
    return discoverySrv;
  }

  /** Sets {@link #discoverySrv()}. */
  public Config discoverySrv(String discoverySrv) {
    this.discoverySrv = Objects.requireNonNull(discoverySrv, "discoverySrv");
    return this;
  }

  /** SRV service name suffix ({@code --discovery-srv-name}). */
  public String discoverySrvName() {
    return discoverySrvName;
  }

  /** Sets {@link #discoverySrvName()}. */
  public Config discoverySrvName(String discoverySrvName) {
    this.discoverySrvName = Objects.requireNonNull(discoverySrvName, "discoverySrvName");
    return this;
  }

  /**
   * Bootstrap membership {@code name=url,...} ({@code --initial-cluster}); set from the name by the
   * constructor.
   */
  public String initialCluster() {
    return initialCluster;
  }

  /** Sets {@link #initialCluster()}. */
  public Config initialCluster(String initialCluster) {
    this.initialCluster = Objects.requireNonNull(initialCluster, "initialCluster");
    return this;
  }

  /** Bootstrap cluster token ({@code --initial-cluster-token}). */
  public String initialClusterToken() {
    return initialClusterToken;
  }

  /** Sets {@link #initialClusterToken()}. */
  public Config initialClusterToken(String initialClusterToken) {
    this.initialClusterToken = Objects.requireNonNull(initialClusterToken, "initialClusterToken");
    return this;
  }

  /** {@code new} or {@code existing} ({@code --initial-cluster-state}). */
  public String initialClusterState() {
    return initialClusterState;
  }

  /** Sets {@link #initialClusterState()}. */
  public Config initialClusterState(String initialClusterState) {
    this.initialClusterState = Objects.requireNonNull(initialClusterState, "initialClusterState");
    return this;
  }

  /** Refuse member changes that would lose quorum ({@code --strict-reconfig-check}). */
  public boolean strictReconfigCheck() {
    return strictReconfigCheck;
  }

  /** Sets {@link #strictReconfigCheck()}. */
  public Config strictReconfigCheck(boolean strictReconfigCheck) {
    this.strictReconfigCheck = strictReconfigCheck;
    return this;
  }

  /** Serve the v2 API ({@code --enable-v2}). */
  public boolean enableV2() {
    return enableV2;
  }

  /** Sets {@link #enableV2()}. */
  public Config enableV2(boolean enableV2) {
    this.enableV2 = enableV2;
    return this;
  }

  /** Raft pre-vote ({@code --pre-vote}). */
  public boolean preVote() {
    return preVote;
  }

  /** Sets {@link #preVote()}. */
  public Config preVote(boolean preVote) {
    this.preVote = preVote;
    return this;
  }

  /** {@code periodic} or {@code revision} ({@code --auto-compaction-mode}). */
  public String autoCompactionMode() {
    return autoCompactionMode;
  }

  /** Sets {@link #autoCompactionMode()}. */
  public Config autoCompactionMode(String autoCompactionMode) {
    this.autoCompactionMode = Objects.requireNonNull(autoCompactionMode, "autoCompactionMode");
    return this;
  }

  /**
   * Retention: a duration or hours for periodic, a revision count for revision; "0" disables
   * ({@code --auto-compaction-retention}).
   */
  public String autoCompactionRetention() {
    return autoCompactionRetention;
  }

  /** Sets {@link #autoCompactionRetention()}. */
  public Config autoCompactionRetention(String autoCompactionRetention) {
    this.autoCompactionRetention =
        Objects.requireNonNull(autoCompactionRetention, "autoCompactionRetention");
    return this;
  }

  /**
   * Let this 3.4 node join a 3.5 cluster ({@code --next-cluster-version-compatible}, etcd 3.4.28+).
   */
  public boolean nextClusterVersionCompatible() {
    return nextClusterVersionCompatible;
  }

  /** Sets {@link #nextClusterVersionCompatible()}. */
  public Config nextClusterVersionCompatible(boolean nextClusterVersionCompatible) {
    this.nextClusterVersionCompatible = nextClusterVersionCompatible;
    return this;
  }

  // ---- Proxy ----

  /** v2 proxy mode: {@code off}, {@code readonly} or {@code on} ({@code --proxy}). */
  public String proxy() {
    return proxy;
  }

  /** Sets {@link #proxy()}. */
  public Config proxy(String proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
    return this;
  }

  /** Milliseconds a failed endpoint is held out ({@code --proxy-failure-wait}). */
  public long proxyFailureWaitMs() {
    return proxyFailureWaitMs;
  }

  /** Sets {@link #proxyFailureWaitMs()}. */
  public Config proxyFailureWaitMs(long proxyFailureWaitMs) {
    this.proxyFailureWaitMs = proxyFailureWaitMs;
    return this;
  }

  /** Milliseconds between endpoint refreshes ({@code --proxy-refresh-interval}). */
  public long proxyRefreshIntervalMs() {
    return proxyRefreshIntervalMs;
  }

  /** Sets {@link #proxyRefreshIntervalMs()}. */
  public Config proxyRefreshIntervalMs(long proxyRefreshIntervalMs) {
    this.proxyRefreshIntervalMs = proxyRefreshIntervalMs;
    return this;
  }

  /** Dial timeout in milliseconds ({@code --proxy-dial-timeout}). */
  public long proxyDialTimeoutMs() {
    return proxyDialTimeoutMs;
  }

  /** Sets {@link #proxyDialTimeoutMs()}. */
  public Config proxyDialTimeoutMs(long proxyDialTimeoutMs) {
    this.proxyDialTimeoutMs = proxyDialTimeoutMs;
    return this;
  }

  /** Write timeout in milliseconds ({@code --proxy-write-timeout}). */
  public long proxyWriteTimeoutMs() {
    return proxyWriteTimeoutMs;
  }

  /** Sets {@link #proxyWriteTimeoutMs()}. */
  public Config proxyWriteTimeoutMs(long proxyWriteTimeoutMs) {
    this.proxyWriteTimeoutMs = proxyWriteTimeoutMs;
    return this;
  }

  /** Read timeout in milliseconds ({@code --proxy-read-timeout}). */
  public long proxyReadTimeoutMs() {
    return proxyReadTimeoutMs;
  }

  /** Sets {@link #proxyReadTimeoutMs()}. */
  public Config proxyReadTimeoutMs(long proxyReadTimeoutMs) {
    this.proxyReadTimeoutMs = proxyReadTimeoutMs;
    return this;
  }

  // ---- Security ----

  /**
   * Client listener TLS files and checks ({@code --cert-file}, {@code --key-file}, {@code
   * --trusted-ca-file}, {@code --client-cert-auth}, {@code --client-crl-file}, {@code
   * --client-cert-allowed-hostname}).
   */
  public TlsConfig clientTls() {
    return clientTls;
  }

  /** Sets {@link #clientTls()}. */
  public Config clientTls(TlsConfig clientTls) {
    this.clientTls = Objects.requireNonNull(clientTls, "clientTls");
    return this;
  }

  /** Generate a self-signed client certificate when none is given ({@code --auto-tls}). */
  public boolean clientAutoTls() {
    return clientAutoTls;
  }

  /** Sets {@link #clientAutoTls()}. */
  public Config clientAutoTls(boolean clientAutoTls) {
    this.clientAutoTls = clientAutoTls;
    return this;
  }

  /** Peer listener and dialer TLS ({@code --peer-*} security flags). */
  public TlsConfig peerTls() {
    return peerTls;
  }

  /** Sets {@link #peerTls()}. */
  public Config peerTls(TlsConfig peerTls) {
    this.peerTls = Objects.requireNonNull(peerTls, "peerTls");
    return this;
  }

  /** Generate a self-signed peer certificate when none is given ({@code --peer-auto-tls}). */
  public boolean peerAutoTls() {
    return peerAutoTls;
  }

  /** Sets {@link #peerAutoTls()}. */
  public Config peerAutoTls(boolean peerAutoTls) {
    this.peerAutoTls = peerAutoTls;
    return this;
  }

  /** TLS cipher suite names, Go's spelling; empty means the runtime's ({@code --cipher-suites}). */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** Sets {@link #cipherSuites()}. */
  public Config cipherSuites(List<String> cipherSuites) {
    this.cipherSuites = List.copyOf(cipherSuites);
    return this;
  }

  /**
   * Lowest TLS version: {@code TLS1.2} or {@code TLS1.3} ({@code --tls-min-version}, etcd 3.4.27+).
   */
  public String tlsMinVersion() {
    return tlsMinVersion;
  }

  /** Sets {@link #tlsMinVersion()}. */
  public Config tlsMinVersion(String tlsMinVersion) {
    this.tlsMinVersion = Objects.requireNonNull(tlsMinVersion, "tlsMinVersion");
    return this;
  }

  /** Highest TLS version; empty lets the runtime choose ({@code --tls-max-version}). */
  public String tlsMaxVersion() {
    return tlsMaxVersion;
  }

  /** Sets {@link #tlsMaxVersion()}. */
  public Config tlsMaxVersion(String tlsMaxVersion) {
    this.tlsMaxVersion = Objects.requireNonNull(tlsMaxVersion, "tlsMaxVersion");
    return this;
  }

  /** CORS origins, {@code *} allows all ({@code --cors}). */
  public Set<String> cors() {
    return cors;
  }

  /** Sets {@link #cors()}. */
  public Config cors(Set<String> cors) {
    this.cors = Collections.unmodifiableSortedSet(new TreeSet<>(cors));
    return this;
  }

  /**
   * Host header values accepted on insecure listeners, {@code *} allows all ({@code
   * --host-whitelist}).
   */
  public Set<String> hostWhitelist() {
    return hostWhitelist;
  }

  /** Sets {@link #hostWhitelist()}. */
  public Config hostWhitelist(Set<String> hostWhitelist) {
    this.hostWhitelist = Collections.unmodifiableSortedSet(new TreeSet<>(hostWhitelist));
    return this;
  }

  // ---- Auth ----

  /** Token provider and options, {@code simple} or {@code jwt,...} ({@code --auth-token}). */
  public String authToken() {
    return authToken;
  }

  /** Sets {@link #authToken()}. */
  public Config authToken(String authToken) {
    this.authToken = Objects.requireNonNull(authToken, "authToken");
    return this;
  }

  /** bcrypt cost for password hashes ({@code --bcrypt-cost}). */
  public long bcryptCost() {
    return bcryptCost;
  }

  /** Sets {@link #bcryptCost()}. */
  public Config bcryptCost(long bcryptCost) {
    this.bcryptCost = bcryptCost;
    return this;
  }

  /** Simple token lifetime in seconds ({@code --auth-token-ttl}). */
  public long authTokenTtl() {
    return authTokenTtl;
  }

  /** Sets {@link #authTokenTtl()}. */
  public Config authTokenTtl(long authTokenTtl) {
    this.authTokenTtl = authTokenTtl;
    return this;
  }

  // ---- Profiling and monitoring ----

  /** Serve profiling data under /debug/pprof/ ({@code --enable-pprof}). */
  public boolean enablePprof() {
    return enablePprof;
  }

  /** Sets {@link #enablePprof()}. */
  public Config enablePprof(boolean enablePprof) {
    this.enablePprof = enablePprof;
    return this;
  }

  /** {@code basic} or {@code extensive} ({@code --metrics}). */
  public String metrics() {
    return metrics;
  }

  /** Sets {@link #metrics()}. */
  public Config metrics(String metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /**
   * Serve the JSON gateway under /v3/ ({@code --enable-grpc-gateway}; the flag defaults to true,
   * the embed config and YAML to false as in etcd).
   */
  public boolean enableGrpcGateway() {
    return enableGrpcGateway;
  }

  /** Sets {@link #enableGrpcGateway()}. */
  public Config enableGrpcGateway(boolean enableGrpcGateway) {
    this.enableGrpcGateway = enableGrpcGateway;
    return this;
  }

  // ---- Logging ----

  /**
   * {@code zap} (JSON lines) or {@code capnslog} (text) ({@code --logger}). etcd 3.4 defaults to
   * capnslog; etcdj defaults to zap.
   */
  public String logger() {
    return logger;
  }

  /** Sets {@link #logger()}. */
  public Config logger(String logger) {
    this.logger = Objects.requireNonNull(logger, "logger");
    return this;
  }

  /**
   * Log targets: {@code default}, {@code stderr}, {@code stdout}, {@code systemd/journal} or file
   * paths ({@code --log-outputs}).
   */
  public List<String> logOutputs() {
    return logOutputs;
  }

  /** Sets {@link #logOutputs()}. */
  public Config logOutputs(List<String> logOutputs) {
    this.logOutputs = List.copyOf(logOutputs);
    return this;
  }

  /** The deprecated {@code --log-output}; kept so validation treats it as etcd does. */
  public List<String> deprecatedLogOutput() {
    return deprecatedLogOutput;
  }

  /** Sets {@link #deprecatedLogOutput()}. */
  public Config deprecatedLogOutput(List<String> deprecatedLogOutput) {
    this.deprecatedLogOutput = List.copyOf(deprecatedLogOutput);
    return this;
  }

  /** debug, info, warn, error, panic or fatal ({@code --log-level}). */
  public String logLevel() {
    return logLevel;
  }

  /** Sets {@link #logLevel()}. */
  public Config logLevel(String logLevel) {
    this.logLevel = Objects.requireNonNull(logLevel, "logLevel");
    return this;
  }

  /** Deprecated debug switch ({@code --debug}). */
  public boolean debug() {
    return debug;
  }

  /** Sets {@link #debug()}. */
  public Config debug(boolean debug) {
    this.debug = debug;
    return this;
  }

  /** Deprecated capnslog per-package levels ({@code --log-package-levels}). */
  public String logPackageLevels() {
    return logPackageLevels;
  }

  /** Sets {@link #logPackageLevels()}. */
  public Config logPackageLevels(String logPackageLevels) {
    this.logPackageLevels = Objects.requireNonNull(logPackageLevels, "logPackageLevels");
    return this;
  }

  // ---- Experimental ----

  /** Check data against peers before serving ({@code --experimental-initial-corrupt-check}). */
  public boolean experimentalInitialCorruptCheck() {
    return experimentalInitialCorruptCheck;
  }

  /** Sets {@link #experimentalInitialCorruptCheck()}. */
  public Config experimentalInitialCorruptCheck(boolean experimentalInitialCorruptCheck) {
    this.experimentalInitialCorruptCheck = experimentalInitialCorruptCheck;
    return this;
  }

  /**
   * Interval of periodic corruption checks, zero off ({@code --experimental-corrupt-check-time}).
   */
  public Duration experimentalCorruptCheckTime() {
    return experimentalCorruptCheckTime;
  }

  /** Sets {@link #experimentalCorruptCheckTime()}. */
  public Config experimentalCorruptCheckTime(Duration experimentalCorruptCheckTime) {
    this.experimentalCorruptCheckTime =
        Objects.requireNonNull(experimentalCorruptCheckTime, "experimentalCorruptCheckTime");
    return this;
  }

  /** Prefix for v2 emulated on v3 ({@code --experimental-enable-v2v3}). */
  public String experimentalEnableV2V3() {
    return experimentalEnableV2V3;
  }

  /** Sets {@link #experimentalEnableV2V3()}. */
  public Config experimentalEnableV2V3(String experimentalEnableV2V3) {
    this.experimentalEnableV2V3 =
        Objects.requireNonNull(experimentalEnableV2V3, "experimentalEnableV2V3");
    return this;
  }

  /**
   * bbolt freelist type, {@code array} or {@code map}; meaningless for LMDB but accepted ({@code
   * --experimental-backend-bbolt-freelist-type}).
   */
  public String experimentalBackendFreelistType() {
    return experimentalBackendFreelistType;
  }

  /** Sets {@link #experimentalBackendFreelistType()}. */
  public Config experimentalBackendFreelistType(String experimentalBackendFreelistType) {
    this.experimentalBackendFreelistType =
        Objects.requireNonNull(experimentalBackendFreelistType, "experimentalBackendFreelistType");
    return this;
  }

  /** Leader checkpoints remaining lease TTLs ({@code --experimental-enable-lease-checkpoint}). */
  public boolean experimentalEnableLeaseCheckpoint() {
    return experimentalEnableLeaseCheckpoint;
  }

  /** Sets {@link #experimentalEnableLeaseCheckpoint()}. */
  public Config experimentalEnableLeaseCheckpoint(boolean experimentalEnableLeaseCheckpoint) {
    this.experimentalEnableLeaseCheckpoint = experimentalEnableLeaseCheckpoint;
    return this;
  }

  /** Persist the checkpointed TTLs ({@code --experimental-enable-lease-checkpoint-persist}). */
  public boolean experimentalEnableLeaseCheckpointPersist() {
    return experimentalEnableLeaseCheckpointPersist;
  }

  /** Sets {@link #experimentalEnableLeaseCheckpointPersist()}. */
  public Config experimentalEnableLeaseCheckpointPersist(
      boolean experimentalEnableLeaseCheckpointPersist) {
    this.experimentalEnableLeaseCheckpointPersist = experimentalEnableLeaseCheckpointPersist;
    return this;
  }

  /**
   * Revisions deleted per compaction batch; 0 means 1000 ({@code
   * --experimental-compaction-batch-limit}).
   */
  public long experimentalCompactionBatchLimit() {
    return experimentalCompactionBatchLimit;
  }

  /** Sets {@link #experimentalCompactionBatchLimit()}. */
  public Config experimentalCompactionBatchLimit(long experimentalCompactionBatchLimit) {
    this.experimentalCompactionBatchLimit = experimentalCompactionBatchLimit;
    return this;
  }

  /**
   * Interval of watch progress notifications; zero means 10 minutes ({@code
   * --experimental-watch-progress-notify-interval}).
   */
  public Duration experimentalWatchProgressNotifyInterval() {
    return experimentalWatchProgressNotifyInterval;
  }

  /** Sets {@link #experimentalWatchProgressNotifyInterval()}. */
  public Config experimentalWatchProgressNotifyInterval(
      Duration experimentalWatchProgressNotifyInterval) {
    this.experimentalWatchProgressNotifyInterval =
        Objects.requireNonNull(
            experimentalWatchProgressNotifyInterval, "experimentalWatchProgressNotifyInterval");
    return this;
  }

  /** Apply time above which a warning is logged ({@code --experimental-warning-apply-duration}). */
  public Duration experimentalWarningApplyDuration() {
    return experimentalWarningApplyDuration;
  }

  /** Sets {@link #experimentalWarningApplyDuration()}. */
  public Config experimentalWarningApplyDuration(Duration experimentalWarningApplyDuration) {
    this.experimentalWarningApplyDuration =
        Objects.requireNonNull(
            experimentalWarningApplyDuration, "experimentalWarningApplyDuration");
    return this;
  }

  // ---- Unsafe ----

  /** Restart as a one-member cluster from existing data ({@code --force-new-cluster}). */
  public boolean forceNewCluster() {
    return forceNewCluster;
  }

  /** Sets {@link #forceNewCluster()}. */
  public Config forceNewCluster(boolean forceNewCluster) {
    this.forceNewCluster = forceNewCluster;
    return this;
  }

  /** Skip fsync; loses data on crash ({@code --unsafe-no-fsync}). */
  public boolean unsafeNoFsync() {
    return unsafeNoFsync;
  }

  /** Sets {@link #unsafeNoFsync()}. */
  public Config unsafeNoFsync(boolean unsafeNoFsync) {
    this.unsafeNoFsync = unsafeNoFsync;
    return this;
  }
}
