package io.etcdj.server;

import static io.etcdj.server.FlagValues.bool;
import static io.etcdj.server.FlagValues.duration;
import static io.etcdj.server.FlagValues.int64;
import static io.etcdj.server.FlagValues.string;
import static io.etcdj.server.FlagValues.uint32;
import static io.etcdj.server.FlagValues.uint64;

import io.etcdj.embed.Config;
import java.util.List;
import java.util.function.Consumer;

/**
 * etcd 3.4's command-line flags ({@code etcdmain/config.go newConfig}) bound to a {@link Config}:
 * the same names, value types and defaults, plus the 3.4.27+ {@code --tls-min-version}, {@code
 * --tls-max-version} and 3.4.28+ {@code --next-cluster-version-compatible}. {@link #finish()} does
 * what etcd's {@code configFromCmdLine} does once flags and environment are read.
 *
 * <p>Threading: confined to the thread that parses the command line.
 */
final class EtcdFlags {

  /** etcd 2 flags etcd 3.4 still accepts and ignores with a warning ({@code ignored}). */
  static final List<String> IGNORED =
      List.of(
          "cluster-active-size",
          "cluster-remove-delay",
          "cluster-sync-interval",
          "config",
          "force",
          "max-result-buffer",
          "max-retry-attempts",
          "peer-heartbeat-interval",
          "peer-election-timeout",
          "retry-interval",
          "snapshot",
          "v",
          "vv",
          "test.coverprofile",
          "test.outputdir");

  static final String PROXY_OFF = "off";
  static final String FALLBACK_PROXY = "proxy";

  private final Config config = new Config();
  private final String defaultInitialCluster = config.initialCluster();
  private final GoFlagSet fs = new GoFlagSet();

  private String configFile = "";
  private boolean version;

  private final FlagValues.UniqueUrls listenPeerUrls =
      new FlagValues.UniqueUrls(Config.DEFAULT_LISTEN_PEER_URLS, "");
  private final FlagValues.UniqueUrls listenClientUrls =
      new FlagValues.UniqueUrls(Config.DEFAULT_LISTEN_CLIENT_URLS, "");
  private final FlagValues.UniqueUrls listenMetricsUrls = new FlagValues.UniqueUrls("", "");
  private final FlagValues.UniqueUrls advertisePeerUrls =
      new FlagValues.UniqueUrls(Config.DEFAULT_INITIAL_ADVERTISE_PEER_URLS, "");
  private final FlagValues.UniqueUrls advertiseClientUrls =
      new FlagValues.UniqueUrls(Config.DEFAULT_ADVERTISE_CLIENT_URLS, "");
  private final FlagValues.UniqueUrls cors = new FlagValues.UniqueUrls("*", "*");
  private final FlagValues.UniqueStrings hostWhitelist = new FlagValues.UniqueStrings("*");
  private final FlagValues.Strings cipherSuites = new FlagValues.Strings();
  private final FlagValues.UniqueStrings logOutput =
      new FlagValues.UniqueStrings(Config.LOG_OUTPUT_DEFAULT);
  private final FlagValues.UniqueStrings logOutputs =
      new FlagValues.UniqueStrings(Config.LOG_OUTPUT_DEFAULT);
  private final FlagValues.Selective clusterState =
      new FlagValues.Selective(Config.CLUSTER_STATE_NEW, Config.CLUSTER_STATE_EXISTING);
  private final FlagValues.Selective fallback = new FlagValues.Selective(FALLBACK_PROXY, "exit");
  private final FlagValues.Selective proxy = new FlagValues.Selective(PROXY_OFF, "readonly", "on");

  /**
   * @param warn receives etcd's {@code pkg/flags} warnings (an ignored etcd 2 flag was used)
   */
  EtcdFlags(Consumer<String> warn) {
    Config c = config;
    c.enableGrpcGateway(true); // the flag's default; embed and YAML default to false
    fs.define("config-file", string(v -> configFile = v));

    // member
    fs.define("data-dir", string(c::dataDir));
    fs.define("wal-dir", string(c::walDir));
    fs.define("listen-peer-urls", listenPeerUrls);
    fs.define("listen-client-urls", listenClientUrls);
    fs.define("listen-metrics-urls", listenMetricsUrls);
    fs.define("max-snapshots", uint64(c::maxSnapFiles));
    fs.define("max-wals", uint64(c::maxWalFiles));
    fs.define("name", string(c::name));
    fs.define("snapshot-count", uint64(c::snapshotCount));
    fs.define("heartbeat-interval", uint64(c::tickMs));
    fs.define("election-timeout", uint64(c::electionMs));
    fs.define("initial-election-tick-advance", bool(c::initialElectionTickAdvance));
    fs.define("quota-backend-bytes", int64(c::quotaBackendBytes));
    fs.define("backend-batch-interval", duration(c::backendBatchInterval));
    fs.define("backend-batch-limit", int64(c::backendBatchLimit));
    fs.define("max-txn-ops", uint64(c::maxTxnOps));
    fs.define("max-request-bytes", uint64(c::maxRequestBytes));
    fs.define("grpc-keepalive-min-time", duration(c::grpcKeepAliveMinTime));
    fs.define("grpc-keepalive-interval", duration(c::grpcKeepAliveInterval));
    fs.define("grpc-keepalive-timeout", duration(c::grpcKeepAliveTimeout));
    fs.define("max-concurrent-streams", uint32(c::maxConcurrentStreams));

    // clustering
    fs.define("initial-advertise-peer-urls", advertisePeerUrls);
    fs.define("advertise-client-urls", advertiseClientUrls);
    fs.define("discovery", string(c::discovery));
    fs.define("discovery-fallback", fallback);
    fs.define("discovery-proxy", string(c::discoveryProxy));
    fs.define("discovery-srv", string(c::discoverySrv));
    fs.define("discovery-srv-name", string(c::discoverySrvName));
    fs.define("initial-cluster", string(c::initialCluster));
    fs.define("initial-cluster-token", string(c::initialClusterToken));
    fs.define("initial-cluster-state", clusterState);
    fs.define("strict-reconfig-check", bool(c::strictReconfigCheck));
    fs.define("enable-v2", bool(c::enableV2));
    fs.define("pre-vote", bool(c::preVote));
    fs.define("next-cluster-version-compatible", bool(c::nextClusterVersionCompatible));

    // proxy
    fs.define("proxy", proxy);
    fs.define("proxy-failure-wait", uint64(c::proxyFailureWaitMs));
    fs.define("proxy-refresh-interval", uint64(c::proxyRefreshIntervalMs));
    fs.define("proxy-dial-timeout", uint64(c::proxyDialTimeoutMs));
    fs.define("proxy-write-timeout", uint64(c::proxyWriteTimeoutMs));
    fs.define("proxy-read-timeout", uint64(c::proxyReadTimeoutMs));

    // security
    fs.define("cert-file", string(v -> c.clientTls(c.clientTls().withCertFile(v))));
    fs.define("key-file", string(v -> c.clientTls(c.clientTls().withKeyFile(v))));
    fs.define("client-cert-auth", bool(v -> c.clientTls(c.clientTls().withClientCertAuth(v))));
    fs.define("client-crl-file", string(v -> c.clientTls(c.clientTls().withCrlFile(v))));
    fs.define(
        "client-cert-allowed-hostname",
        string(v -> c.clientTls(c.clientTls().withAllowedHostname(v))));
    fs.define("trusted-ca-file", string(v -> c.clientTls(c.clientTls().withTrustedCaFile(v))));
    fs.define("auto-tls", bool(c::clientAutoTls));
    fs.define("peer-cert-file", string(v -> c.peerTls(c.peerTls().withCertFile(v))));
    fs.define("peer-key-file", string(v -> c.peerTls(c.peerTls().withKeyFile(v))));
    fs.define("peer-client-cert-auth", bool(v -> c.peerTls(c.peerTls().withClientCertAuth(v))));
    fs.define("peer-trusted-ca-file", string(v -> c.peerTls(c.peerTls().withTrustedCaFile(v))));
    fs.define("peer-auto-tls", bool(c::peerAutoTls));
    fs.define("peer-crl-file", string(v -> c.peerTls(c.peerTls().withCrlFile(v))));
    fs.define("peer-cert-allowed-cn", string(v -> c.peerTls(c.peerTls().withAllowedCn(v))));
    fs.define(
        "peer-cert-allowed-hostname", string(v -> c.peerTls(c.peerTls().withAllowedHostname(v))));
    fs.define("cipher-suites", cipherSuites);
    fs.define("tls-min-version", string(c::tlsMinVersion));
    fs.define("tls-max-version", string(c::tlsMaxVersion));
    fs.define(
        "experimental-peer-skip-client-san-verification",
        bool(v -> c.peerTls(c.peerTls().withSkipClientSanVerify(v))));
    fs.define("cors", cors);
    fs.define("host-whitelist", hostWhitelist);

    // logging
    fs.define("logger", string(c::logger));
    fs.define("log-output", logOutput);
    fs.define("log-outputs", logOutputs);
    fs.define("debug", bool(c::debug));
    fs.define("log-level", string(c::logLevel));
    fs.define("log-package-levels", string(c::logPackageLevels));

    fs.define("version", bool(v -> version = v));
    fs.define("auto-compaction-retention", string(c::autoCompactionRetention));
    fs.define("auto-compaction-mode", string(c::autoCompactionMode));
    fs.define("enable-pprof", bool(c::enablePprof));
    fs.define("metrics", string(c::metrics));

    // auth
    fs.define("auth-token", string(c::authToken));
    fs.define("bcrypt-cost", uint64(c::bcryptCost));
    fs.define("auth-token-ttl", uint64(c::authTokenTtl));

    fs.define("enable-grpc-gateway", bool(c::enableGrpcGateway));

    // experimental
    fs.define("experimental-initial-corrupt-check", bool(c::experimentalInitialCorruptCheck));
    fs.define("experimental-corrupt-check-time", duration(c::experimentalCorruptCheckTime));
    fs.define("experimental-enable-v2v3", string(c::experimentalEnableV2V3));
    fs.define(
        "experimental-backend-bbolt-freelist-type", string(c::experimentalBackendFreelistType));
    fs.define("experimental-enable-lease-checkpoint", bool(c::experimentalEnableLeaseCheckpoint));
    fs.define(
        "experimental-enable-lease-checkpoint-persist",
        bool(c::experimentalEnableLeaseCheckpointPersist));
    fs.define("experimental-compaction-batch-limit", int64(c::experimentalCompactionBatchLimit));
    fs.define(
        "experimental-watch-progress-notify-interval",
        duration(c::experimentalWatchProgressNotifyInterval));
    fs.define("experimental-warning-apply-duration", duration(c::experimentalWarningApplyDuration));

    // unsafe
    fs.define("unsafe-no-fsync", bool(c::unsafeNoFsync));
    fs.define("force-new-cluster", bool(c::forceNewCluster));

    for (String name : IGNORED) {
      fs.define(name, FlagValues.ignored(name, warn));
    }
  }

  /** The flag set, for parsing the command line and the environment. */
  GoFlagSet flagSet() {
    return fs;
  }

  /** {@code --config-file}, empty when not given. */
  String configFile() {
    return configFile;
  }

  /** {@code --version}. */
  boolean version() {
    return version;
  }

  /** The initial cluster a fresh Config had, for {@link Config#updateDefaultClusterFromName}. */
  String defaultInitialCluster() {
    return defaultInitialCluster;
  }

  /**
   * etcd's {@code configFromCmdLine} after the environment was read: copies the list-valued flags
   * into the Config, drops the default advertise-client-urls when only listen-client-urls was given
   * (unless the node may be a proxy), and drops the default initial cluster when discovery is used.
   */
  Config finish() {
    Config c = config;
    c.listenPeerUrls(listenPeerUrls.urls());
    c.advertisePeerUrls(advertisePeerUrls.urls());
    c.listenClientUrls(listenClientUrls.urls());
    c.advertiseClientUrls(advertiseClientUrls.urls());
    c.listenMetricsUrls(listenMetricsUrls.urls());
    c.cors(cors.values());
    c.hostWhitelist(hostWhitelist.set());
    c.cipherSuites(cipherSuites.list());
    c.deprecatedLogOutput(logOutput.list());
    c.logOutputs(logOutputs.list());
    c.initialClusterState(clusterState.get());
    c.discoveryFallback(fallback.get());
    c.proxy(proxy.get());
    boolean missingAdvertiseClient =
        fs.isSet("listen-client-urls") && !fs.isSet("advertise-client-urls");
    if (!mayBeProxy(c) && missingAdvertiseClient) {
      c.advertiseClientUrls(List.of());
    }
    if ((!c.discovery().isEmpty() || !c.discoverySrv().isEmpty() || !c.discoverySrvName().isEmpty())
        && !fs.isSet("initial-cluster")) {
      c.initialCluster("");
    }
    return c;
  }

  /** etcd's {@code mayBeProxy}: a proxy flag, or discovery that may fall back to a proxy. */
  static boolean mayBeProxy(Config c) {
    return !c.proxy().equals(PROXY_OFF)
        || (!c.discovery().isEmpty() && c.discoveryFallback().equals(FALLBACK_PROXY));
  }
}
