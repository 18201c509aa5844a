package io.etcdj.etcdhttp.metrics;

import static io.etcdj.etcdhttp.metrics.PrometheusText.series;

import com.codahale.metrics.Counter;
import com.codahale.metrics.DefaultSettableGauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The metrics a node updates, under etcd 3.4.23's names, types, labels, help texts and buckets
 * (fact sheet §4.4; texts copied from a live {@code /metrics}). One instance per node, created by
 * embed with the node's {@link MetricRegistry}; no static state, so several nodes share a JVM.
 *
 * <p>Counters, gauges and histograms are thread-safe: any thread may update them. Labelled series
 * are created on first use and kept.
 */
public final class EtcdMetrics {
  /** {@code prometheus.ExponentialBuckets(0.001, 2, 14)}: WAL fsync and backend commit. */
  public static final double[] DISK_BUCKETS = BucketedHistogram.exponentialBuckets(0.001, 2, 14);

  /** {@code prometheus.ExponentialBuckets(0.0001, 2, 16)}: peer round-trip time. */
  public static final double[] RTT_BUCKETS = BucketedHistogram.exponentialBuckets(0.0001, 2, 16);

  private final MetricRegistry registry;
  private final Map<String, String> help = new ConcurrentHashMap<>();
  private final List<Runnable> samplers = new CopyOnWriteArrayList<>();

  public final DefaultSettableGauge<Integer> hasLeader;
  public final DefaultSettableGauge<Integer> isLeader;
  public final DefaultSettableGauge<Integer> isLearner;
  public final Counter leaderChanges;
  public final DefaultSettableGauge<Long> proposalsCommitted;
  public final DefaultSettableGauge<Long> proposalsApplied;
  public final DefaultSettableGauge<Long> proposalsPending;
  public final Counter proposalsFailed;
  public final DefaultSettableGauge<Long> quotaBackendBytes;
  public final Counter heartbeatSendFailures;
  public final Counter slowApply;
  public final Counter slowReadIndexes;
  public final Counter readIndexesFailed;
  public final Counter healthSuccess;
  public final Counter healthFailures;
  public final BucketedHistogram walFsync;
  public final BucketedHistogram backendCommit;
  public final DefaultSettableGauge<Long> dbTotalSize;
  public final DefaultSettableGauge<Long> dbTotalSizeInUse;
  public final DefaultSettableGauge<Long> keysTotal;
  public final DefaultSettableGauge<Long> watchers;
  public final DefaultSettableGauge<Long> slowWatchers;
  public final Counter puts;
  public final Counter ranges;
  public final Counter deletes;
  public final Counter txns;
  public final Counter clientGrpcSentBytes;
  public final Counter clientGrpcReceivedBytes;

  public EtcdMetrics(MetricRegistry registry, String serverVersion, long memberId) {
    this.registry = registry;
    hasLeader =
        gauge(
            "etcd_server_has_leader",
            "Whether or not a leader exists. 1 is existence, 0 is not.",
            0);
    isLeader =
        gauge(
            "etcd_server_is_leader",
            "Whether or not this member is a leader. 1 if is, 0 otherwise.",
            0);
    isLearner =
        gauge(
            "etcd_server_is_learner",
            "Whether or not this member is a learner. 1 if is, 0 otherwise.",
            0);
    leaderChanges =
        counter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");
    proposalsCommitted =
        gauge(
            "etcd_server_proposals_committed_total",
            "The total number of consensus proposals committed.",
            0L);
    proposalsApplied =
        gauge(
            "etcd_server_proposals_applied_total",
            "The total number of consensus proposals applied.",
            0L);
    proposalsPending =
        gauge(
            "etcd_server_proposals_pending",
            "The current number of pending proposals to commit.",
            0L);
    proposalsFailed =
        counter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.");
    quotaBackendBytes =
        gauge(
            "etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.", 0L);
    heartbeatSendFailures =
        counter(
            "etcd_server_heartbeat_send_failures_total",
            "The total number of leader heartbeat send failures (likely overloaded from slow disk).");
    slowApply =
        counter(
            "etcd_server_slow_apply_total",
            "The total number of slow apply requests (likely overloaded from slow disk).");
    slowReadIndexes =
        counter(
            "etcd_server_slow_read_indexes_total",
            "The total number of pending read indexes not in sync with leader's or timed out read index requests.");
    readIndexesFailed =
        counter(
            "etcd_server_read_indexes_failed_total",
            "The total number of failed read indexes seen.");
    healthSuccess =
        counter("etcd_server_health_success", "The total number of successful health checks");
    healthFailures =
        counter("etcd_server_health_failures", "The total number of failed health checks");
    walFsync =
        histogram(
            "etcd_disk_wal_fsync_duration_seconds",
            "The latency distributions of fsync called by WAL.",
            DISK_BUCKETS);
    backendCommit =
        histogram(
            "etcd_disk_backend_commit_duration_seconds",
            "The latency distributions of commit called by backend.",
            DISK_BUCKETS);
    dbTotalSize =
        gauge(
            "etcd_mvcc_db_total_size_in_bytes",
            "Total size of the underlying database physically allocated in bytes.",
            0L);
    dbTotalSizeInUse =
        gauge(
            "etcd_mvcc_db_total_size_in_use_in_bytes",
            "Total size of the underlying database logically in use in bytes.",
            0L);
    keysTotal = gauge("etcd_debugging_mvcc_keys_total", "Total number of keys.", 0L);
    watchers = gauge("etcd_debugging_mvcc_watcher_total", "Total number of watchers.", 0L);
    slowWatchers =
        gauge(
            "etcd_debugging_mvcc_slow_watcher_total",
            "Total number of unsynced slow watchers.",
            0L);
    puts = counter("etcd_mvcc_put_total", "Total number of puts seen by this member.");
    ranges = counter("etcd_mvcc_range_total", "Total number of ranges seen by this member.");
    deletes = counter("etcd_mvcc_delete_total", "Total number of deletes seen by this member.");
    txns = counter("etcd_mvcc_txn_total", "Total number of txns seen by this member.");
    clientGrpcSentBytes =
        counter(
            "etcd_network_client_grpc_sent_bytes_total",
            "The total number of bytes sent to grpc clients.");
    clientGrpcReceivedBytes =
        counter(
            "etcd_network_client_grpc_received_bytes_total",
            "The total number of bytes received from grpc clients.");
    help.put(
        "etcd_server_id",
        "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.");
    registry.register(
        series("etcd_server_id", "server_id", Long.toHexString(memberId)),
        new DefaultSettableGauge<>(1));
    help.put(
        "etcd_server_version",
        "Which version is running. 1 for 'server_version' label with current version.");
    registry.register(
        series("etcd_server_version", "server_version", serverVersion),
        new DefaultSettableGauge<>(1));
    help.put(
        "etcd_cluster_version",
        "Which version is running. 1 for 'cluster_version' label with current cluster version");
    help.put(
        "etcd_server_client_requests_total",
        "The total number of client requests per client version.");
    help.put("grpc_server_started_total", "Total number of RPCs started on the server.");
    help.put(
        "grpc_server_handled_total",
        "Total number of RPCs completed on the server, regardless of success or failure.");
    help.put(
        "grpc_server_msg_received_total",
        "Total number of RPC stream messages received on the server.");
    help.put(
        "grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.");
    help.put(
        "etcd_network_peer_round_trip_time_seconds", "Round-Trip-Time histogram between peers");
    help.put("etcd_network_peer_sent_bytes_total", "The total number of bytes sent to peers.");
    help.put(
        "etcd_network_peer_received_bytes_total", "The total number of bytes received from peers.");
    help.put(
        "etcd_network_peer_sent_failures_total", "The total number of send failures from peers.");
  }

  public MetricRegistry registry() {
    return registry;
  }

  /**
   * Adds {@code sampler}, run by {@link #refresh} before each scrape: it copies values their owners
   * keep (raft indexes, store counters, sizes) into this registry.
   */
  public void addSampler(Runnable sampler) {
    samplers.add(sampler);
  }

  /** Runs the samplers; one scrape at a time, so a counter is never moved twice. */
  public synchronized void refresh() {
    samplers.forEach(Runnable::run);
  }

  /** Moves {@code c} up to {@code total}, a monotonic count its owner keeps. */
  public static void catchUp(Counter c, long total) {
    long d = total - c.getCount();
    if (d > 0) {
      c.inc(d);
    }
  }

  /** A gauge read at each scrape, with its help text. */
  public void gauge(String name, String text, LongSupplier value) {
    help.put(name, text);
    registry.gauge(name, () -> (com.codahale.metrics.Gauge<Long>) value::getAsLong);
  }

  /** A gauge of a double read at each scrape, with its help text. */
  public void doubleGauge(String name, String text, java.util.function.DoubleSupplier value) {
    help.put(name, text);
    registry.gauge(name, () -> (com.codahale.metrics.Gauge<Double>) value::getAsDouble);
  }

  /** A counter whose total its owner keeps, read at each scrape. */
  public void counter(String name, String text, LongSupplier total) {
    help.put(name, text);
    registry.register(
        name,
        new Counter() {
          @Override
          public long getCount() {
            return total.getAsLong();
          }
        });
  }

  /** A counter of a double total (seconds), read at each scrape; written as a counter. */
  public void doubleCounter(String name, String text, java.util.function.DoubleSupplier total) {
    help.put(name, text);
    registry.register(name, new DoubleCounter(total));
  }

  /** The help texts for {@link PrometheusText}. */
  public Map<String, String> help() {
    return Map.copyOf(help);
  }

  /**
   * {@code etcd_cluster_version{cluster_version="3.4"}} = 1 for the decided version ({@code
   * major.minor}); the previous version's series is removed, as etcd resets the vector.
   */
  public void setClusterVersion(String majorMinor) {
    registry.removeMatching((name, m) -> name.startsWith("etcd_cluster_version{"));
    registry.register(
        series("etcd_cluster_version", "cluster_version", majorMinor),
        new DefaultSettableGauge<>(1));
  }

  /** {@code etcd_server_client_requests_total{client_api_version, type}} (type unary/stream). */
  public Counter clientRequests(String clientApiVersion, String type) {
    return registry.counter(
        series(
            "etcd_server_client_requests_total",
            "client_api_version",
            clientApiVersion,
            "type",
            type));
  }

  /** go-grpc-prometheus {@code grpc_server_started_total}. */
  public Counter grpcStarted(String grpcType, String service, String method) {
    return grpcCounter("grpc_server_started_total", grpcType, service, method);
  }

  /** go-grpc-prometheus {@code grpc_server_handled_total} ({@code grpc_code} like {@code OK}). */
  public Counter grpcHandled(String grpcType, String service, String method, String code) {
    return registry.counter(
        series(
            "grpc_server_handled_total",
            "grpc_code",
            code,
            "grpc_method",
            method,
            "grpc_service",
            service,
            "grpc_type",
            grpcType));
  }

  public Counter grpcMsgReceived(String grpcType, String service, String method) {
    return grpcCounter("grpc_server_msg_received_total", grpcType, service, method);
  }

  public Counter grpcMsgSent(String grpcType, String service, String method) {
    return grpcCounter("grpc_server_msg_sent_total", grpcType, service, method);
  }

  /** One go-grpc-prometheus series: its labels, in Prometheus' sorted order. */
  private Counter grpcCounter(String name, String grpcType, String service, String method) {
    return registry.counter(
        series(name, "grpc_method", method, "grpc_service", service, "grpc_type", grpcType));
  }

  /** {@code etcd_network_peer_round_trip_time_seconds{To}} (peer ID in hex). */
  public BucketedHistogram peerRoundTrip(String toHex) {
    String name = series("etcd_network_peer_round_trip_time_seconds", "To", toHex);
    return registerHistogram(name, RTT_BUCKETS);
  }

  public Counter peerSentBytes(String toHex) {
    return registry.counter(series("etcd_network_peer_sent_bytes_total", "To", toHex));
  }

  public Counter peerReceivedBytes(String fromHex) {
    return registry.counter(series("etcd_network_peer_received_bytes_total", "From", fromHex));
  }

  public Counter peerSentFailures(String toHex) {
    return registry.counter(series("etcd_network_peer_sent_failures_total", "To", toHex));
  }

  private synchronized BucketedHistogram registerHistogram(String name, double[] buckets) {
    com.codahale.metrics.Metric existing = registry.getMetrics().get(name);
    if (existing instanceof BucketedHistogram h) {
      return h;
    }
    return registry.register(name, new BucketedHistogram(buckets));
  }

  private Counter counter(String name, String text) {
    help.put(name, text);
    return registry.counter(name);
  }

  private <T> DefaultSettableGauge<T> gauge(String name, String text, T initial) {
    help.put(name, text);
    return registry.register(name, new DefaultSettableGauge<>(initial));
  }

  private BucketedHistogram histogram(String name, String text, double[] buckets) {
    help.put(name, text);
    return registry.register(name, new BucketedHistogram(buckets));
  }
}
