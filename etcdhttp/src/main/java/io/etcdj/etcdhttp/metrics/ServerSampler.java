package io.etcdj.etcdhttp.metrics;

import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.storage.mvcc.MvccCounters;
import io.etcdj.storage.node.NodeStore;
import java.util.Optional;

/**
 * Copies what a node's server and store keep into its {@link EtcdMetrics} at each scrape, under the
 * names etcd 3.4 updates them with: {@code etcdserver/metrics.go} (leader, proposals, quota),
 * {@code mvcc/metrics.go} (txn counts, keys, db sizes) and the cluster version gauge.
 *
 * <p>Runs on the scraping thread; reads only volatile fields and thread-safe counters.
 */
public final class ServerSampler implements Runnable {
  private final EtcdMetrics m;
  private final EtcdServer server;
  private Optional<ClusterVersion> clusterVersion = Optional.empty(); // under EtcdMetrics.refresh

  private ServerSampler(EtcdMetrics m, EtcdServer server, long quotaBackendBytes) {
    this.m = m;
    this.server = server;
    m.quotaBackendBytes.setValue(quotaBackendBytes);
  }

  /**
   * Binds {@code server} to {@code m}.
   *
   * @param quotaBackendBytes the quota etcd reports: the configured one, the default for 0, and 0
   *     when negative (quotas disabled)
   */
  public static void bind(EtcdMetrics m, EtcdServer server, long quotaBackendBytes) {
    m.addSampler(new ServerSampler(m, server, quotaBackendBytes));
    NodeStore store = server.store();
    m.gauge(
        "etcd_debugging_mvcc_total_put_size_in_bytes",
        "The total size of put kv pairs seen by this member.",
        () -> store.mvccCounters().putBytes());
  }

  @Override
  public void run() {
    m.hasLeader.setValue(server.leader() != 0 ? 1 : 0);
    m.isLeader.setValue(server.isLeader() ? 1 : 0);
    EtcdMetrics.catchUp(m.leaderChanges, server.leaderChanges());
    m.proposalsCommitted.setValue(server.committedIndex());
    m.proposalsApplied.setValue(server.appliedIndex());
    NodeStore store = server.store();
    MvccCounters c = store.mvccCounters();
    EtcdMetrics.catchUp(m.ranges, c.ranges());
    EtcdMetrics.catchUp(m.puts, c.puts());
    EtcdMetrics.catchUp(m.deletes, c.deletes());
    EtcdMetrics.catchUp(m.txns, c.txns());
    m.keysTotal.setValue(store.keys());
    m.dbTotalSize.setValue(store.backend().size());
    m.dbTotalSizeInUse.setValue(store.backend().sizeInUse());
    Optional<ClusterVersion> v = server.cluster().version().map(ClusterVersion::majorMinor);
    if (v.isPresent() && !v.equals(clusterVersion)) {
      clusterVersion = v;
      m.setClusterVersion(v.get().major() + "." + v.get().minor());
    }
  }
}
