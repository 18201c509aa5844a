package io.etcdj.etcdserver;

import io.etcdj.etcdserver.membership.ClusterVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code api.UpdateCapability}: the cluster version whose features this member enables. It
 * only moves up; each step is logged as etcd logs it (tools and etcd's e2e harness wait for
 * "enabled capabilities for version").
 *
 * <p>Threading: called from the apply thread and at recovery; synchronized.
 */
final class Capabilities {
  private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

  private ClusterVersion current;

  synchronized void update(ClusterVersion v) {
    if (current != null && v.compareTo(current) <= 0) {
      return;
    }
    current = v;
    LOG.atInfo()
        .addKeyValue("cluster-version", v.cluster())
        .log("enabled capabilities for version");
  }
}
