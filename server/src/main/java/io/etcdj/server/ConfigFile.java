package io.etcdj.server;

import io.etcdj.embed.Config;
import io.etcdj.embed.GoUrls;
import io.etcdj.embed.TlsConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * etcd 3.4's {@code --config-file}: YAML with the flags' names as keys ({@code embed/config.go
 * configYAML} and {@code etcdmain/config.go configFromFile}), read as etcd reads it (YAML turned
 * into JSON and decoded by Go's {@code encoding/json}): keys match case-insensitively, unknown keys
 * are ignored, a value of the wrong JSON type is refused with Go's text, durations are integer
 * nanoseconds, lists of URLs are comma-separated strings, and TLS files sit under {@code
 * client-transport-security} and {@code peer-transport-security}.
 *
 * <p>Threading: stateless.
 */
final class ConfigFile {
  private ConfigFile() {}

  /** How etcd reports a config-file problem. */
  enum Report {
    /** Returned to etcdmain: {@code error verifying flags, <text>. See 'etcd --help'.}. */
    VERIFY,
    /** Printed as is to stderr before exiting 1 ({@code unexpected error setting up ...}). */
    PLAIN,
    /** Go's {@code log.Fatalf} routed through capnslog: an {@code I |} line without package. */
    LOG_FATAL
  }

  /** A config file etcd refuses. */
  static final class FileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Report report;

    FileException(Report report, String message) {
      super(message);
      this.report = report;
    }

    Report report() {
      return report;
    }
  }

  private enum Kind {
    STRING("string"),
    BOOL("bool"),
    UINT64("uint64"),
    UINT("uint"),
    UINT32("uint32"),
    INT64("int64"),
    INT("int"),
    DURATION("time.Duration"),
    STRINGS("[]string");

    final String goType;

    Kind(String goType) {
      this.goType = goType;
    }
  }

  private record Field(String key, Kind kind, BiConsumer<Target, Object> sink) {}

  /** What decoding fills: the Config and the JSON-only fields etcd post-processes. */
  private static final class Target {
    final Config config;
    final Map<String, String> urlJson = new LinkedHashMap<>();
    final String[] clientTls = {"", "", ""}; // cert, key, trusted CA
    final String[] peerTls = {"", "", ""};
    final boolean[] clientBools = {false, false}; // client-cert-auth, auto-tls
    final boolean[] peerBools = {false, false};
    String proxy = "";
    String fallback = "";

    Target(Config config) {
      this.config = config;
    }
  }

  private static final List<Field> FIELDS = yamlFields();
  private static final List<Field> PROXY_FIELDS = proxyFields();

  private static List<Field> yamlFields() {
    List<Field> f = new ArrayList<>();
    f.add(str("name", (t, v) -> t.config.name((String) v)));
    f.add(str("data-dir", (t, v) -> t.config.dataDir((String) v)));
    f.add(str("wal-dir", (t, v) -> t.config.walDir((String) v)));
    f.add(num("snapshot-count", Kind.UINT64, (t, v) -> t.config.snapshotCount((Long) v)));
    f.add(
        num(
            "SnapshotCatchUpEntries",
            Kind.UINT64,
            (t, v) -> t.config.snapshotCatchUpEntries((Long) v)));
    f.add(num("max-snapshots", Kind.UINT, (t, v) -> t.config.maxSnapFiles((Long) v)));
    f.add(num("max-wals", Kind.UINT, (t, v) -> t.config.maxWalFiles((Long) v)));
    f.add(num("heartbeat-interval", Kind.UINT, (t, v) -> t.config.tickMs((Long) v)));
    f.add(num("election-timeout", Kind.UINT, (t, v) -> t.config.electionMs((Long) v)));
    f.add(
        bool(
            "initial-election-tick-advance",
            (t, v) -> t.config.initialElectionTickAdvance((Boolean) v)));
    f.add(dur("backend-batch-interval", (t, v) -> t.config.backendBatchInterval((Duration) v)));
    f.add(num("backend-batch-limit", Kind.INT, (t, v) -> t.config.backendBatchLimit((Long) v)));
    f.add(num("quota-backend-bytes", Kind.INT64, (t, v) -> t.config.quotaBackendBytes((Long) v)));
    f.add(num("max-txn-ops", Kind.UINT, (t, v) -> t.config.maxTxnOps((Long) v)));
    f.add(num("max-request-bytes", Kind.UINT, (t, v) -> t.config.maxRequestBytes((Long) v)));
    f.add(
        num(
            "max-concurrent-streams",
            Kind.UINT32,
            (t, v) -> t.config.maxConcurrentStreams((Long) v)));
    f.add(list("cipher-suites", (t, v) -> t.config.cipherSuites(strings(v))));
    f.add(str("initial-cluster-state", (t, v) -> t.config.initialClusterState((String) v)));
    f.add(str("discovery-srv", (t, v) -> t.config.discoverySrv((String) v)));
    f.add(str("discovery-srv-name", (t, v) -> t.config.discoverySrvName((String) v)));
    f.add(str("discovery-proxy", (t, v) -> t.config.discoveryProxy((String) v)));
    f.add(str("discovery", (t, v) -> t.config.discovery((String) v)));
    f.add(str("initial-cluster", (t, v) -> t.config.initialCluster((String) v)));
    f.add(str("initial-cluster-token", (t, v) -> t.config.initialClusterToken((String) v)));
    f.add(bool("strict-reconfig-check", (t, v) -> t.config.strictReconfigCheck((Boolean) v)));
    f.add(bool("enable-v2", (t, v) -> t.config.enableV2((Boolean) v)));
    f.add(str("auto-compaction-mode", (t, v) -> t.config.autoCompactionMode((String) v)));
    f.add(str("auto-compaction-retention", (t, v) -> t.config.autoCompactionRetention((String) v)));
    f.add(dur("grpc-keepalive-min-time", (t, v) -> t.config.grpcKeepAliveMinTime((Duration) v)));
    f.add(dur("grpc-keepalive-interval", (t, v) -> t.config.grpcKeepAliveInterval((Duration) v)));
    f.add(dur("grpc-keepalive-timeout", (t, v) -> t.config.grpcKeepAliveTimeout((Duration) v)));
    f.add(bool("pre-vote", (t, v) -> t.config.preVote((Boolean) v)));
    f.add(str("auth-token", (t, v) -> t.config.authToken((String) v)));
    f.add(num("bcrypt-cost", Kind.UINT, (t, v) -> t.config.bcryptCost((Long) v)));
    f.add(num("auth-token-ttl", Kind.UINT, (t, v) -> t.config.authTokenTtl((Long) v)));
    f.add(
        bool(
            "experimental-initial-corrupt-check",
            (t, v) -> t.config.experimentalInitialCorruptCheck((Boolean) v)));
    f.add(
        dur(
            "experimental-corrupt-check-time",
            (t, v) -> t.config.experimentalCorruptCheckTime((Duration) v)));
    f.add(str("experimental-enable-v2v3", (t, v) -> t.config.experimentalEnableV2V3((String) v)));
    f.add(
        str(
            "experimental-backend-bbolt-freelist-type",
            (t, v) -> t.config.experimentalBackendFreelistType((String) v)));
    f.add(
        bool(
            "experimental-enable-lease-checkpoint",
            (t, v) -> t.config.experimentalEnableLeaseCheckpoint((Boolean) v)));
    f.add(
        bool(
            "experimental-enable-lease-checkpoint-persist",
            (t, v) -> t.config.experimentalEnableLeaseCheckpointPersist((Boolean) v)));
    f.add(
        num(
            "experimental-compaction-batch-limit",
            Kind.INT,
            (t, v) -> t.config.experimentalCompactionBatchLimit((Long) v)));
    f.add(
        dur(
            "experimental-watch-progress-notify-interval",
            (t, v) -> t.config.experimentalWatchProgressNotifyInterval((Duration) v)));
    f.add(
        dur(
            "experimental-warning-apply-duration",
            (t, v) -> t.config.experimentalWarningApplyDuration((Duration) v)));
    f.add(bool("force-new-cluster", (t, v) -> t.config.forceNewCluster((Boolean) v)));
    f.add(bool("enable-pprof", (t, v) -> t.config.enablePprof((Boolean) v)));
    f.add(str("metrics", (t, v) -> t.config.metrics((String) v)));
    f.add(str("listen-metrics-urls", (t, v) -> t.urlJson.put("listen-metrics-urls", (String) v)));
    f.add(str("logger", (t, v) -> t.config.logger((String) v)));
    f.add(str("log-level", (t, v) -> t.config.logLevel((String) v)));
    f.add(list("log-outputs", (t, v) -> t.config.logOutputs(strings(v))));
    f.add(bool("enable-grpc-gateway", (t, v) -> t.config.enableGrpcGateway((Boolean) v)));
    f.add(list("log-output", (t, v) -> t.config.deprecatedLogOutput(strings(v))));
    f.add(bool("debug", (t, v) -> t.config.debug((Boolean) v)));
    f.add(str("log-package-levels", (t, v) -> t.config.logPackageLevels((String) v)));
    f.add(bool("unsafe-no-fsync", (t, v) -> t.config.unsafeNoFsync((Boolean) v)));
    // etcd 3.4.27+ / 3.4.28+
    f.add(str("tls-min-version", (t, v) -> t.config.tlsMinVersion((String) v)));
    f.add(str("tls-max-version", (t, v) -> t.config.tlsMaxVersion((String) v)));
    f.add(
        bool(
            "next-cluster-version-compatible",
            (t, v) -> t.config.nextClusterVersionCompatible((Boolean) v)));
    for (String k :
        List.of(
            "listen-peer-urls",
            "listen-client-urls",
            "initial-advertise-peer-urls",
            "advertise-client-urls",
            "cors",
            "host-whitelist")) {
      f.add(str(k, (t, v) -> t.urlJson.put(k, (String) v)));
    }
    return List.copyOf(f);
  }

  private static List<Field> proxyFields() {
    List<Field> f = new ArrayList<>();
    // etcdmain's configProxy, decoded from the same document
    f.add(
        new Field(
            "proxy-failure-wait", Kind.UINT, (t, v) -> t.config.proxyFailureWaitMs((Long) v)));
    f.add(
        new Field(
            "proxy-refresh-interval",
            Kind.UINT,
            (t, v) -> t.config.proxyRefreshIntervalMs((Long) v)));
    f.add(
        new Field(
            "proxy-dial-timeout", Kind.UINT, (t, v) -> t.config.proxyDialTimeoutMs((Long) v)));
    f.add(
        new Field(
            "proxy-write-timeout", Kind.UINT, (t, v) -> t.config.proxyWriteTimeoutMs((Long) v)));
    f.add(
        new Field(
            "proxy-read-timeout", Kind.UINT, (t, v) -> t.config.proxyReadTimeoutMs((Long) v)));
    f.add(new Field("proxy", Kind.STRING, (t, v) -> t.proxy = (String) v));
    f.add(new Field("discovery-fallback", Kind.STRING, (t, v) -> t.fallback = (String) v));
    return List.copyOf(f);
  }

  private static Field str(String key, BiConsumer<Target, Object> sink) {
    return new Field(key, Kind.STRING, sink);
  }

  private static Field bool(String key, BiConsumer<Target, Object> sink) {
    return new Field(key, Kind.BOOL, sink);
  }

  private static Field num(String key, Kind kind, BiConsumer<Target, Object> sink) {
    return new Field(key, kind, sink);
  }

  private static Field dur(String key, BiConsumer<Target, Object> sink) {
    return new Field(key, Kind.DURATION, sink);
  }

  private static Field list(String key, BiConsumer<Target, Object> sink) {
    return new Field(key, Kind.STRINGS, sink);
  }

  @SuppressWarnings("unchecked") // checked by decode()
  private static List<String> strings(Object v) {
    return (List<String>) v;
  }

  /**
   * A file read: the Config (not yet validated), and the problem etcd meets only after validating
   * it, when it decodes etcdmain's proxy settings from the same file (null when none).
   */
  record Loaded(Config config, FileException afterValidation) {}

  /**
   * Reads {@code path} into a Config as etcd's {@code configFromFile} does, up to but not including
   * validation (the caller validates, as etcd's {@code ConfigFromFile} does next).
   */
  static Loaded read(Path path) throws FileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new FileException(Report.VERIFY, "open " + path + ": no such file or directory");
    } catch (IOException e) {
      throw new FileException(Report.VERIFY, "open " + path + ": " + e.getMessage());
    }
    return load(new String(bytes, StandardCharsets.UTF_8));
  }

  /** {@link #read} for YAML text; a problem met after validation is thrown here too. */
  static Config parse(String yaml) throws FileException {
    Loaded l = load(yaml);
    if (l.afterValidation() != null) {
      throw l.afterValidation();
    }
    return l.config();
  }

  /** {@link #read} for YAML text. */
  static Loaded load(String yaml) throws FileException {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new FileException(
          Report.VERIFY,
          "error converting YAML to JSON: yaml: line " + line + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new FileException(
          Report.VERIFY, "error converting YAML to JSON: yaml: " + e.getMessage());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    if (doc instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        root.put(String.valueOf(e.getKey()), e.getValue());
      }
    } else if (doc != null) {
      throw new FileException(
          Report.VERIFY,
          "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
              + jsonKind(doc)
              + " into Go value of type embed.configYAML");
    }
    Config config = new Config();
    String defaultInitialCluster = config.initialCluster();
    Target t = new Target(config);
    decodeInto("configYAML", FIELDS, root, t);
    decodeSecurity(root, "client-transport-security", t.clientTls, t.clientBools);
    decodeSecurity(root, "peer-transport-security", t.peerTls, t.peerBools);
    finish(t, defaultInitialCluster);
    try {
      decodeInto("configProxy", PROXY_FIELDS, root, t);
      if (!t.fallback.isEmpty()) {
        if (!t.fallback.equals("proxy") && !t.fallback.equals("exit")) {
          throw new FileException(
              Report.LOG_FATAL,
              "unexpected error setting up discovery-fallback flag: invalid value");
        }
        config.discoveryFallback(t.fallback);
      }
      if (!t.proxy.isEmpty()) {
        if (!Set.of("off", "readonly", "on").contains(t.proxy)) {
          throw new FileException(
              Report.LOG_FATAL, "unexpected error setting up proxyFlag: invalid value");
        }
        config.proxy(t.proxy);
      }
    } catch (FileException e) {
      return new Loaded(config, e);
    }
    return new Loaded(config, null);
  }

  private static void finish(Target t, String defaultInitialCluster) throws FileException {
    Config c = t.config;
    // etcd's texts, including its "advertise-peer-urls" for the client list
    String[][] urlFlags = {
      {"listen-peer-urls", "listen-peer-urls"},
      {"listen-client-urls", "listen-client-urls"},
      {"initial-advertise-peer-urls", "initial-advertise-peer-urls"},
      {"advertise-client-urls", "advertise-peer-urls"},
      {"listen-metrics-urls", "listen-metrics-urls"},
    };
    for (String[] f : urlFlags) {
      String v = t.urlJson.getOrDefault(f[0], "");
      if (v.isEmpty()) {
        continue;
      }
      try {
        var urls = GoUrls.parse(v);
        switch (f[0]) {
          case "listen-peer-urls" -> c.listenPeerUrls(urls);
          case "listen-client-urls" -> c.listenClientUrls(urls);
          case "initial-advertise-peer-urls" -> c.advertisePeerUrls(urls);
          case "advertise-client-urls" -> c.advertiseClientUrls(urls);
          default -> c.listenMetricsUrls(urls);
        }
      } catch (IllegalArgumentException e) {
        throw new FileException(
            Report.PLAIN, "unexpected error setting up " + f[1] + ": " + e.getMessage());
      }
    }
    String cors = t.urlJson.getOrDefault("cors", "");
    if (!cors.isEmpty()) {
      FlagValues.UniqueUrls u;
      try {
        u = new FlagValues.UniqueUrls(cors, "*");
      } catch (IllegalArgumentException e) {
        throw new FileException(
            Report.PLAIN, "new UniqueURLs should never fail: " + e.getMessage());
      }
      c.cors(u.values());
    }
    String hosts = t.urlJson.getOrDefault("host-whitelist", "");
    if (!hosts.isEmpty()) {
      c.hostWhitelist(new FlagValues.UniqueStrings(hosts).set());
    }
    if ((!c.discovery().isEmpty() || !c.discoverySrv().isEmpty())
        && c.initialCluster().equals(defaultInitialCluster)) {
      c.initialCluster("");
    }
    if (c.initialClusterState().isEmpty()) {
      c.initialClusterState(Config.CLUSTER_STATE_NEW);
    }
    c.clientTls(security(c.clientTls(), t.clientTls, t.clientBools[0]));
    c.clientAutoTls(t.clientBools[1]);
    c.peerTls(security(c.peerTls(), t.peerTls, t.peerBools[0]));
    c.peerAutoTls(t.peerBools[1]);
  }

  private static TlsConfig security(TlsConfig base, String[] files, boolean certAuth) {
    return base.withCertFile(files[0])
        .withKeyFile(files[1])
        .withTrustedCaFile(files[2])
        .withClientCertAuth(certAuth);
  }

  private static void decodeSecurity(
      Map<String, Object> root, String key, String[] files, boolean[] bools) throws FileException {
    Object v = lookup(root, key);
    if (v == null) {
      return;
    }
    String struct = "securityConfig." + key + ".";
    if (!(v instanceof Map<?, ?> m)) {
      throw typeError("configYAML." + key, jsonKind(v), "embed.securityConfig");
    }
    Map<String, Object> sub = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      sub.put(String.valueOf(e.getKey()), e.getValue());
    }
    String[] fileKeys = {"cert-file", "key-file", "trusted-ca-file"};
    for (int i = 0; i < fileKeys.length; i++) {
      Object f = lookup(sub, fileKeys[i]);
      if (f != null) {
        files[i] = (String) convert(struct + fileKeys[i], Kind.STRING, f);
      }
    }
    String[] boolKeys = {"client-cert-auth", "auto-tls"};
    for (int i = 0; i < boolKeys.length; i++) {
      Object b = lookup(sub, boolKeys[i]);
      if (b != null) {
        bools[i] = (Boolean) convert(struct + boolKeys[i], Kind.BOOL, b);
      }
    }
  }

  private static void decodeInto(
      String struct, List<Field> fields, Map<String, Object> root, Target t) throws FileException {
    // encoding/json walks the document in order; the first bad value is reported.
    for (Map.Entry<String, Object> e : root.entrySet()) {
      Field f = match(fields, e.getKey());
      if (f == null || e.getValue() == null) {
        continue;
      }
      f.sink().accept(t, convert(struct + "." + f.key(), f.kind(), e.getValue()));
    }
  }

  // encoding/json: an exact key match wins, otherwise a case-insensitive one.
  private static Field match(List<Field> fields, String key) {
    Field folded = null;
    for (Field f : fields) {
      if (f.key().equals(key)) {
        return f;
      }
      if (folded == null && f.key().equalsIgnoreCase(key)) {
        folded = f;
      }
    }
    return folded;
  }

  private static Object lookup(Map<String, Object> m, String key) {
    if (m.containsKey(key)) {
      return m.get(key);
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static Object convert(String field, Kind kind, Object v) throws FileException {
    switch (kind) {
      case STRING -> {
        if (v instanceof String s) {
          return s;
        }
        throw typeError(field, jsonKind(v), kind.goType);
      }
      case BOOL -> {
        if (v instanceof Boolean b) {
          return b;
        }
        throw typeError(field, jsonKind(v), kind.goType);
      }
      case STRINGS -> {
        if (!(v instanceof List<?> l)) {
          throw typeError(field, jsonKind(v), kind.goType);
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
          if (o == null) {
            out.add("");
          } else if (o instanceof String s) {
            out.add(s);
          } else {
            throw typeError(field, jsonKind(o), "string");
          }
        }
        return out;
      }
      case DURATION -> {
        return Duration.ofNanos(integer(field, kind, v, true, 64));
      }
      case UINT64, UINT -> {
        return integer(field, kind, v, false, 64);
      }
      case UINT32 -> {
        return integer(field, kind, v, false, 32);
      }
      case INT64, INT -> {
        return integer(field, kind, v, true, 64);
      }
    }
    throw new AssertionError(kind);
  }

  private static long integer(String field, Kind kind, Object v, boolean signed, int bits)
      throws FileException {
    if (v instanceof Boolean || v instanceof String || v instanceof List || v instanceof Map) {
      throw typeError(field, jsonKind(v), kind.goType);
    }
    BigInteger n;
    if (v instanceof BigInteger b) {
      n = b;
    } else if (v instanceof Integer || v instanceof Long) {
      n = BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      n = BigInteger.valueOf(d.longValue()); // YAML 2.0 is JSON 2, an integer to Go
    } else {
      throw typeError(field, "number " + v, kind.goType);
    }
    BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
    BigInteger max =
        signed
            ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
            : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    if (n.compareTo(min) < 0 || n.compareTo(max) > 0 || n.bitLength() > 63) {
      throw typeError(field, "number " + n, kind.goType);
    }
    return n.longValueExact();
  }

  private static String jsonKind(Object v) {
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Number) {
      return "number";
    }
    if (v instanceof List) {
      return "array";
    }
    if (v instanceof Map) {
      return "object";
    }
    return "string"; // timestamps and the like become JSON strings
  }

  private static FileException typeError(String field, String what, String goType) {
    return new FileException(
        Report.VERIFY,
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
            + what
            + " into Go struct field "
            + field
            + " of type "
            + goType);
  }
}
