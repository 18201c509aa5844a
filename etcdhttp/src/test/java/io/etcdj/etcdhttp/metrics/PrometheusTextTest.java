package io.etcdj.etcdhttp.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import org.junit.jupiter.api.Test;

/** The exposition compared with lines etcd 3.4.23's {@code /metrics} wrote on loopback. */
class PrometheusTextTest {
  private final MetricRegistry registry = new MetricRegistry();
  private final EtcdMetrics metrics = new EtcdMetrics(registry, "3.4.23", 0x2458efdbfbda3f36L);

  private String text() {
    HttpResponse.Full r =
        (HttpResponse.Full)
            new MetricsHandler(metrics).handle(HttpRequest.of("GET", "/metrics")).join();
    assertThat(r.headers().get("Content-Type"))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    return new String(r.body(), UTF_8);
  }

  @Test
  void walFsyncHistogramHasEtcdsBucketsAndCumulativeCounts() {
    for (int i = 0; i < 8; i++) {
      metrics.walFsync.observe(0.0005);
    }
    for (int i = 0; i < 3; i++) {
      metrics.walFsync.observe(0.0015);
    }
    for (int i = 0; i < 3; i++) {
      metrics.walFsync.observe(0.003);
    }
    String t = text();
    assertThat(t)
        .contains(
            "# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called"
                + " by WAL.\n"
                + "# TYPE etcd_disk_wal_fsync_duration_seconds histogram\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 8\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.002\"} 11\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.004\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.008\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.016\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.032\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.064\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.128\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.256\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.512\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"1.024\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"2.048\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"4.096\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"} 14\n"
                + "etcd_disk_wal_fsync_duration_seconds_sum ");
    assertThat(t).contains("etcd_disk_wal_fsync_duration_seconds_count 14\n");
  }

  @Test
  void labelledGaugesAndCountersAsEtcdWritesThem() {
    metrics.setClusterVersion("3.4");
    metrics.quotaBackendBytes.setValue(2147483648L);
    metrics.hasLeader.setValue(1);
    metrics.clientRequests("unknown", "unary").inc(15);
    metrics.clientRequests("unknown", "stream").inc(5);
    metrics.grpcHandled("unary", "etcdserverpb.KV", "Range", "OK").inc();
    String t = text();
    assertThat(t).contains("etcd_cluster_version{cluster_version=\"3.4\"} 1\n");
    assertThat(t).contains("etcd_server_id{server_id=\"2458efdbfbda3f36\"} 1\n");
    assertThat(t).contains("etcd_server_version{server_version=\"3.4.23\"} 1\n");
    assertThat(t)
        .contains(
            "# TYPE etcd_server_client_requests_total counter\n"
                + "etcd_server_client_requests_total{client_api_version=\"unknown\",type=\"stream\"} 5\n"
                + "etcd_server_client_requests_total{client_api_version=\"unknown\",type=\"unary\"} 15\n");
    assertThat(t).contains("etcd_server_quota_backend_bytes 2.147483648e+09\n");
    assertThat(t)
        .contains(
            "# TYPE etcd_server_proposals_committed_total gauge\netcd_server_proposals_committed_total 0\n");
    assertThat(t).contains("etcd_server_has_leader 1\n");
    assertThat(t)
        .contains(
            "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\","
                + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 1\n");
    metrics.setClusterVersion("3.5");
    assertThat(text()).doesNotContain("cluster_version=\"3.4\"");
  }

  @Test
  void peerRttHistogramUsesItsOwnBuckets() {
    metrics.peerRoundTrip("abc").observe(0.0002);
    metrics.peerRoundTrip("abc").observe(10);
    String t = text();
    assertThat(t)
        .contains("etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"0.0001\"} 0\n");
    assertThat(t)
        .contains("etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"0.0002\"} 1\n");
    assertThat(t)
        .contains("etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"3.2768\"} 1\n");
    assertThat(t)
        .contains("etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"+Inf\"} 2\n");
  }

  @Test
  void numbersInGosShortestForm() {
    assertThat(PrometheusText.formatDouble(14)).isEqualTo("14");
    assertThat(PrometheusText.formatDouble(2656)).isEqualTo("2656");
    assertThat(PrometheusText.formatDouble(20480)).isEqualTo("20480");
    assertThat(PrometheusText.formatDouble(1e6)).isEqualTo("1e+06");
    assertThat(PrometheusText.formatDouble(2147483648.0)).isEqualTo("2.147483648e+09");
    assertThat(PrometheusText.formatDouble(0.015620165999999998)).isEqualTo("0.015620165999999998");
    assertThat(PrometheusText.formatDouble(0.0001)).isEqualTo("0.0001");
    assertThat(PrometheusText.formatDouble(0.00001)).isEqualTo("1e-05");
    assertThat(PrometheusText.formatDouble(-1.5)).isEqualTo("-1.5");
    assertThat(PrometheusText.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
  }
}
