package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.etcdserver.v3alarm.AlarmStore;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmResponse;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.storage.node.ApplyTxn;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alarms and the backend space quota around the v3 applier, as etcd 3.4 arranges them: the applier
 * chain that {@code s.applyV3} names ({@code quotaApplierV3}, {@code applierV3Capped} while NOSPACE
 * is raised, {@code applierV3Corrupt} while CORRUPT is, {@code etcdserver/apply.go}, {@code
 * corrupt.go}), the Alarm request's apply ({@code applierV3backend.Alarm}), raising NOSPACE when an
 * applied request did not fit ({@code applyEntryNormal}, {@code server.go}), the gRPC-side quota
 * check ({@code quotaAlarmer}, {@code v3rpc/quota.go}) and {@code EtcdServer.Alarm}/{@code
 * Alarms()}.
 *
 * <p>Threading: {@link #apply} and {@link #raiseOnNoSpace} on the apply thread, which alone changes
 * the chain (volatile for the readers); the public methods from any thread but an event loop
 * ({@link #checkQuota} reads the backend file's size).
 */
public final class Alarms {
  private static final Logger LOG = LoggerFactory.getLogger(Alarms.class);

  /** The quota etcd logs first (and only: it logs once), the applier's. */
  private static final String QUOTA_NAME = "v3-applier";

  /**
   * Which wrappers {@code s.applyV3} has, outermost first: corrupt, capped, then the quota applier.
   * etcd replaces the whole chain when an alarm is raised at run time ({@code
   * newApplierV3Capped(a)} over the bare backend applier, so the quota applier is gone) and
   * rebuilds the normal one when an alarm type's last alarm is disarmed; at start it wraps the
   * normal chain in whatever the stored alarms call for.
   */
  record Chain(boolean quota, boolean capped, boolean corrupt) {
    static final Chain NORMAL = new Chain(true, false, false);
    static final Chain CAPPED = new Chain(false, true, false);
    static final Chain CORRUPT = new Chain(false, false, true);

    /** The error an outer wrapper answers {@code r} with before it reaches the applier, or null. */
    @Nullable ServerError reject(InternalRaftRequest r) {
      if (corrupt
          && (r.hasPut()
              || r.hasRange()
              || r.hasDeleteRange()
              || r.hasTxn()
              || r.hasCompaction()
              || r.hasLeaseGrant()
              || r.hasLeaseRevoke())) {
        return ServerError.CORRUPT;
      }
      if (capped
          && (r.hasPut()
              || r.hasLeaseGrant()
              || (r.hasTxn() && BackendQuota.cost(r.getTxn()) > 0))) {
        return ServerError.NO_SPACE;
      }
      return null;
    }
  }

  private final AlarmStore store;
  private final BackendQuota quota;
  private final long quotaBackendBytes;
  private final LongSupplier backendSize;
  private final long memberId;
  private final Function<InternalRaftRequest, CompletableFuture<ApplyResult>> propose;
  private volatile Chain chain;

  /**
   * @param store the alarms restored from the backend ({@code restoreAlarms})
   * @param quotaBackendBytes {@code --quota-backend-bytes} as configured
   * @param backendSize the backend's size as Status reports it ({@code Backend().Size()})
   * @param memberId this member, the one that raises NOSPACE
   * @param propose proposes a request through raft ({@code raftRequestOnce})
   */
  Alarms(
      AlarmStore store,
      long quotaBackendBytes,
      LongSupplier backendSize,
      long memberId,
      Function<InternalRaftRequest, CompletableFuture<ApplyResult>> propose) {
    this.store = requireNonNull(store, "store");
    this.quota = BackendQuota.of(quotaBackendBytes);
    this.quotaBackendBytes = quotaBackendBytes;
    this.backendSize = requireNonNull(backendSize, "backendSize");
    this.memberId = memberId;
    this.propose = requireNonNull(propose, "propose");
    Chain c = Chain.NORMAL;
    if (!store.get(AlarmType.NOSPACE_VALUE).isEmpty()) {
      c = new Chain(c.quota(), true, c.corrupt());
    }
    if (!store.get(AlarmType.CORRUPT_VALUE).isEmpty()) {
      c = new Chain(c.quota(), c.capped(), true);
    }
    this.chain = c;
    logQuota(quotaBackendBytes);
  }

  /** {@code NewBackendQuota}'s log lines, logged once, for the applier's quota. */
  private static void logQuota(long bytes) {
    if (bytes < 0) {
      LOG.atInfo()
          .addKeyValue("quota-name", QUOTA_NAME)
          .addKeyValue("quota-size-bytes", bytes)
          .log("disabled backend quota");
      return;
    }
    if (bytes == 0) {
      LOG.atInfo()
          .addKeyValue("quota-name", QUOTA_NAME)
          .addKeyValue("quota-size-bytes", BackendQuota.DEFAULT_QUOTA_BYTES)
          .addKeyValue("quota-size", BackendQuota.humanBytes(BackendQuota.DEFAULT_QUOTA_BYTES))
          .log("enabled backend quota with default value");
      return;
    }
    if (BackendQuota.exceedsRecommended(bytes)) {
      LOG.atWarn()
          .addKeyValue("quota-name", QUOTA_NAME)
          .addKeyValue("quota-size-bytes", bytes)
          .addKeyValue("quota-size", BackendQuota.humanBytes(bytes))
          .addKeyValue("quota-maximum-size-bytes", BackendQuota.MAX_QUOTA_BYTES)
          .addKeyValue("quota-maximum-size", BackendQuota.humanBytes(BackendQuota.MAX_QUOTA_BYTES))
          .log("quota exceeds the maximum value");
    }
    LOG.atInfo()
        .addKeyValue("quota-name", QUOTA_NAME)
        .addKeyValue("quota-size-bytes", bytes)
        .addKeyValue("quota-size", BackendQuota.humanBytes(bytes))
        .log("enabled backend quota");
  }

  /** The quota in force ({@code --quota-backend-bytes} after etcd's 0 and negative rules). */
  public BackendQuota quota() {
    return quota;
  }

  // ---- the gRPC side ----

  /** {@code EtcdServer.Alarms()}: every raised alarm. */
  public List<AlarmMember> list() {
    return store.get(AlarmType.NONE_VALUE);
  }

  /** {@code EtcdServer.Alarm}: GET, ACTIVATE and DEACTIVATE all go through raft. */
  public CompletableFuture<AlarmResponse> alarm(AlarmRequest r) {
    return propose
        .apply(InternalRaftRequest.newBuilder().setAlarm(r).build())
        .thenCompose(
            ar ->
                ar.error() != null
                    ? CompletableFuture.failedFuture(ar.error())
                    : CompletableFuture.completedFuture((AlarmResponse) ar.response()));
  }

  /**
   * {@code quotaAlarmer.check}: a Put, Txn or LeaseGrant costing {@code cost} that does not fit
   * raises NOSPACE through raft, waits for it whatever its outcome, and fails with {@code
   * etcdserver: no space}; one that fits completes at once.
   */
  public CompletableFuture<Void> checkQuota(int cost) {
    if (quota.available(cost, backendSize.getAsLong())) {
      return CompletableFuture.completedFuture(null);
    }
    return alarm(activateNoSpace())
        .handle(
            (resp, err) -> {
              throw new CompletionException(ServerError.NO_SPACE.exception());
            });
  }

  private AlarmRequest activateNoSpace() {
    return AlarmRequest.newBuilder()
        .setMemberID(memberId)
        .setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setAlarm(AlarmType.NOSPACE)
        .build();
  }

  // ---- the apply side ----

  /**
   * {@code s.applyV3.Apply} for a v3 request: an Alarm request is applied here; anything else
   * passes the chain's wrappers, then {@code base}. The quota applier lets a request that does not
   * fit apply and then answers it with {@code etcdserver: no space}, as etcd does.
   */
  ApplyResult apply(
      ApplyTxn a,
      InternalRaftRequest r,
      BiFunction<ApplyTxn, InternalRaftRequest, ApplyResult> base) {
    if (r.hasAlarm()) {
      return ApplyResult.of(applyAlarm(a, r.getAlarm()));
    }
    Chain c = chain;
    ServerError rejected = c.reject(r);
    if (rejected != null) {
      return ApplyResult.failed(rejected.exception());
    }
    boolean fits = !c.quota() || fits(r);
    ApplyResult ar = base.apply(a, r);
    if (ar.error() == null && !fits) {
      return ApplyResult.failed(ServerError.NO_SPACE.exception());
    }
    return ar;
  }

  private boolean fits(InternalRaftRequest r) {
    int cost;
    if (r.hasPut()) {
      cost = BackendQuota.cost(r.getPut());
    } else if (r.hasTxn()) {
      cost = BackendQuota.cost(r.getTxn());
    } else if (r.hasLeaseGrant()) {
      cost = BackendQuota.cost(r.getLeaseGrant());
    } else {
      return true;
    }
    return quota.available(cost, backendSize.getAsLong());
  }

  /** {@code applierV3backend.Alarm}; the response has no header, as etcd's. */
  private AlarmResponse applyAlarm(ApplyTxn a, AlarmRequest r) {
    AlarmResponse.Builder resp = AlarmResponse.newBuilder();
    int type = r.getAlarmValue();
    int oldCount = store.get(type).size();
    switch (r.getActionValue()) {
      case AlarmRequest.AlarmAction.GET_VALUE -> resp.addAllAlarms(store.get(type));
      case AlarmRequest.AlarmAction.ACTIVATE_VALUE -> {
        AlarmMember m = store.activate(a, r.getMemberID(), type);
        resp.addAlarms(m);
        if (oldCount == 0 && store.get(m.getAlarmValue()).size() == 1) {
          LOG.atWarn()
              .addKeyValue("alarm", AlarmText.typeName(m.getAlarmValue()))
              .addKeyValue("from", Long.toHexString(m.getMemberID()))
              .log("alarm raised");
          switch (m.getAlarmValue()) {
            case AlarmType.CORRUPT_VALUE -> chain = Chain.CORRUPT;
            case AlarmType.NOSPACE_VALUE -> chain = Chain.CAPPED;
            default ->
                LOG.atWarn()
                    .addKeyValue("alarm", AlarmText.of(m))
                    .log("unimplemented alarm activation");
          }
        }
      }
      case AlarmRequest.AlarmAction.DEACTIVATE_VALUE -> {
        AlarmMember m = store.deactivate(a, r.getMemberID(), type);
        if (m != null) {
          resp.addAlarms(m);
          if (oldCount > 0 && store.get(type).isEmpty()) {
            switch (m.getAlarmValue()) {
              case AlarmType.NOSPACE_VALUE, AlarmType.CORRUPT_VALUE -> {
                LOG.atWarn()
                    .addKeyValue("alarm", AlarmText.typeName(m.getAlarmValue()))
                    .addKeyValue("from", Long.toHexString(m.getMemberID()))
                    .log("alarm disarmed");
                chain = Chain.NORMAL;
              }
              default ->
                  LOG.atWarn()
                      .addKeyValue("alarm", AlarmText.of(m))
                      .log("unimplemented alarm deactivation");
            }
          }
        }
      }
      default -> {
        // etcd answers an unknown action with an empty response and no error.
      }
    }
    return resp.build();
  }

  /**
   * {@code applyEntryNormal}'s tail: when a request failed with {@code etcdserver: no space} and
   * NOSPACE is not raised yet, raise it through raft and answer the request ({@code trigger}) once
   * that proposal is done. Returns false, leaving the answer to the caller, in every other case.
   */
  boolean raiseOnNoSpace(ApplyResult ar, Runnable trigger) {
    if (!(ar.error() instanceof EtcdServerException e && e.error() == ServerError.NO_SPACE)
        || !store.get(AlarmType.NOSPACE_VALUE).isEmpty()) {
      return false;
    }
    LOG.atWarn()
        .addKeyValue("quota-size-bytes", quotaBackendBytes)
        .addKeyValue("quota-size", BackendQuota.humanBytes(quotaBackendBytes))
        .addKeyValue("error", ServerError.NO_SPACE.text())
        .log("message exceeded backend quota; raising alarm");
    alarm(activateNoSpace()).whenComplete((resp, err) -> trigger.run());
    return true;
  }
}
