package io.etcdj.etcdserver;

import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import java.util.List;

/**
 * etcd's backend space quota ({@code etcdserver/quota.go}) as pure functions over sizes: what a
 * request costs and whether it fits. The caller supplies the backend's current size.
 *
 * <p>Immutable; safe from any thread.
 */
public final class BackendQuota {
  /** {@code DefaultQuotaBytes}: 2 GiB, used when {@code --quota-backend-bytes} is 0. */
  public static final long DEFAULT_QUOTA_BYTES = 2L * 1024 * 1024 * 1024;

  /** {@code MaxQuotaBytes}: 8 GiB; a larger quota is allowed but logged as a warning. */
  public static final long MAX_QUOTA_BYTES = 8L * 1024 * 1024 * 1024;

  /** {@code leaseOverhead}: the estimated cost of storing a lease. */
  public static final int LEASE_OVERHEAD = 64;

  /** {@code kvOverhead}: the estimated cost of a key's metadata. */
  public static final int KV_OVERHEAD = 256;

  private final long maxBackendBytes;

  private BackendQuota(long maxBackendBytes) {
    this.maxBackendBytes = maxBackendBytes;
  }

  /**
   * {@code NewBackendQuota}: negative disables the quota (every request fits), 0 means {@link
   * #DEFAULT_QUOTA_BYTES}, anything else is the limit.
   */
  public static BackendQuota of(long quotaBackendBytes) {
    if (quotaBackendBytes < 0) {
      return new BackendQuota(-1);
    }
    return new BackendQuota(quotaBackendBytes == 0 ? DEFAULT_QUOTA_BYTES : quotaBackendBytes);
  }

  /** Whether etcd warns about this quota ("quota exceeds the maximum value"). */
  public static boolean exceedsRecommended(long quotaBackendBytes) {
    return quotaBackendBytes > MAX_QUOTA_BYTES;
  }

  public boolean enabled() {
    return maxBackendBytes >= 0;
  }

  /** The effective limit in bytes, or -1 when disabled. */
  public long maxBackendBytes() {
    return maxBackendBytes;
  }

  /**
   * {@code Available}: a request that costs nothing always fits; otherwise the backend size plus
   * the cost must stay strictly below the quota.
   */
  public boolean available(int cost, long backendSize) {
    if (!enabled() || cost == 0) {
      return true;
    }
    return backendSize + cost < maxBackendBytes;
  }

  /** {@code Remaining}: bytes left (1 when disabled, as etcd's passthrough quota reports). */
  public long remaining(long backendSize) {
    return enabled() ? maxBackendBytes - backendSize : 1;
  }

  /** {@code costPut}: key + value + {@link #KV_OVERHEAD}. */
  public static int cost(PutRequest r) {
    return KV_OVERHEAD + r.getKey().size() + r.getValue().size();
  }

  /**
   * {@code costTxn}: the larger of the two branches' summed put costs. Only top-level puts count;
   * nested txns are free, as in etcd.
   */
  public static int cost(TxnRequest r) {
    return Math.max(branchCost(r.getSuccessList()), branchCost(r.getFailureList()));
  }

  /** A lease grant costs {@link #LEASE_OVERHEAD}. */
  public static int cost(LeaseGrantRequest r) {
    return LEASE_OVERHEAD;
  }

  /**
   * go-humanize's {@code Bytes}, as etcd logs quota sizes: SI units, one decimal below 10 ({@code
   * 2.1 GB}, {@code 53 kB}, {@code 512 B}).
   */
  public static String humanBytes(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    String[] sizes = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int e = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    double val = Math.floor(bytes / Math.pow(1000, e) * 10 + 0.5) / 10;
    return String.format(java.util.Locale.ROOT, val < 10 ? "%.1f %s" : "%.0f %s", val, sizes[e]);
  }

  private static int branchCost(List<RequestOp> ops) {
    int sum = 0;
    for (RequestOp u : ops) {
      if (u.getRequestCase() == RequestOp.RequestCase.REQUEST_PUT) {
        sum += cost(u.getRequestPut());
      }
    }
    return sum;
  }
}
