package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.v3alarm.AlarmStore;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmResponse;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.node.ApplyTxn;
import io.etcdj.storage.node.NodeStore;
import io.etcdj.storage.node.NodeStoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier chain around alarms and the quota (etcd {@code apply.go} quotaApplierV3,
 * applierV3Capped, {@code corrupt.go} applierV3Corrupt, {@code server.go} applyEntryNormal, {@code
 * v3rpc/quota.go} quotaAlarmer; etcd's {@code TestV3StorageQuotaApply}, {@code
 * TestV3AlarmDeactivate} and {@code TestV3CorruptAlarm} in integration/v3_alarm_test.go cover the
 * same rules).
 */
class AlarmsTest {
  static final long MEMBER = 0x8e9e05c52164694dL;
  static final long QUOTA = 100_000;

  @TempDir Path dir;
  NodeStore store;
  long index;
  final AtomicLong size = new AtomicLong(0);
  final List<InternalRaftRequest> proposed = new ArrayList<>();
  final List<InternalRaftRequest> applied = new ArrayList<>();
  Alarms alarms;

  void open() {
    store =
        NodeStore.open(
            NodeStoreConfig.builder(BackendConfig.builder(dir.resolve("db")).build()).build());
    index = store.consistentIndex();
    alarms = new Alarms(AlarmStore.open(store.backend()), QUOTA, size::get, MEMBER, this::propose);
  }

  void reopen() {
    store.close();
    open();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Proposals are applied at once, in order, as a single member's raft would. */
  CompletableFuture<ApplyResult> propose(InternalRaftRequest r) {
    proposed.add(r);
    return CompletableFuture.completedFuture(apply(r));
  }

  ApplyResult apply(InternalRaftRequest r) {
    try (ApplyTxn a = store.beginApply(++index)) {
      return alarms.apply(
          a,
          r,
          (txn, req) -> {
            applied.add(req);
            return ApplyResult.of(PutResponse.getDefaultInstance());
          });
    }
  }

  static InternalRaftRequest put(int valueBytes) {
    return InternalRaftRequest.newBuilder()
        .setPut(
            PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build();
  }

  static InternalRaftRequest txn(RequestOp op) {
    return InternalRaftRequest.newBuilder().setTxn(TxnRequest.newBuilder().addSuccess(op)).build();
  }

  static RequestOp putOp() {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))
        .build();
  }

  static RequestOp deleteOp() {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))
        .build();
  }

  static InternalRaftRequest leaseGrant() {
    return InternalRaftRequest.newBuilder()
        .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(1).setTTL(10))
        .build();
  }

  static InternalRaftRequest alarm(AlarmRequest.AlarmAction action, AlarmType type) {
    return InternalRaftRequest.newBuilder()
        .setAlarm(AlarmRequest.newBuilder().setAction(action).setMemberID(MEMBER).setAlarm(type))
        .build();
  }

  static ServerError errorOf(ApplyResult ar) {
    return ar.error() instanceof EtcdServerException e ? e.error() : null;
  }

  static AlarmMember member(AlarmType t) {
    return AlarmMember.newBuilder().setMemberID(MEMBER).setAlarm(t).build();
  }

  @Test
  void aPutThatDoesNotFitIsAppliedAndThenAnsweredNoSpace() {
    open();
    size.set(QUOTA - 256 - 1 - 10);
    ApplyResult fits = apply(put(9));
    assertThat(fits.error()).isNull();
    size.set(QUOTA - 256 - 1 - 10 + 1);
    ApplyResult over = apply(put(10));
    assertThat(errorOf(over)).isEqualTo(ServerError.NO_SPACE);
    // quotaApplierV3 applies the request before it answers with the error.
    assertThat(applied).hasSize(2);
  }

  @Test
  void requestsWithoutCostPassTheQuotaEvenWhenTheBackendIsFull() {
    open();
    size.set(QUOTA * 2);
    assertThat(
            apply(
                    InternalRaftRequest.newBuilder()
                        .setDeleteRange(
                            DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))
                        .build())
                .error())
        .isNull();
    assertThat(apply(txn(deleteOp())).error()).isNull();
    assertThat(errorOf(apply(leaseGrant()))).isEqualTo(ServerError.NO_SPACE);
    assertThat(errorOf(apply(txn(putOp())))).isEqualTo(ServerError.NO_SPACE);
  }

  @Test
  void aNoSpaceResultRaisesTheAlarmThroughRaftBeforeTheRequestIsAnswered() {
    open();
    size.set(QUOTA);
    ApplyResult over = apply(put(1));
    AtomicBoolean answered = new AtomicBoolean();
    assertThat(alarms.raiseOnNoSpace(over, () -> answered.set(true))).isTrue();
    assertThat(answered).isTrue();
    assertThat(proposed)
        .containsExactly(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    assertThat(alarms.list()).containsExactly(member(AlarmType.NOSPACE));
    // Once raised, the next NOSPACE answer is the caller's to give.
    assertThat(alarms.raiseOnNoSpace(over, () -> {})).isFalse();
    assertThat(alarms.raiseOnNoSpace(apply(txn(deleteOp())), () -> {})).isFalse();
  }

  @Test
  void whileNoSpaceIsRaisedOnlyRequestsThatAddNothingPass() {
    open();
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    applied.clear();
    assertThat(errorOf(apply(put(1)))).isEqualTo(ServerError.NO_SPACE);
    assertThat(errorOf(apply(leaseGrant()))).isEqualTo(ServerError.NO_SPACE);
    assertThat(errorOf(apply(txn(putOp())))).isEqualTo(ServerError.NO_SPACE);
    assertThat(applied).isEmpty();
    assertThat(apply(txn(deleteOp())).error()).isNull();
    assertThat(
            apply(
                    InternalRaftRequest.newBuilder()
                        .setCompaction(CompactionRequest.newBuilder().setRevision(1))
                        .build())
                .error())
        .isNull();
    assertThat(
            apply(
                    InternalRaftRequest.newBuilder()
                        .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(1))
                        .build())
                .error())
        .isNull();
    assertThat(applied).hasSize(3);
  }

  @Test
  void disarmingTheLastNoSpaceAlarmRestoresTheNormalChain() {
    open();
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    ApplyResult off = apply(alarm(AlarmRequest.AlarmAction.DEACTIVATE, AlarmType.NOSPACE));
    assertThat(((AlarmResponse) off.response()).getAlarmsList())
        .containsExactly(member(AlarmType.NOSPACE));
    assertThat(((AlarmResponse) off.response()).hasHeader()).isFalse();
    assertThat(alarms.list()).isEmpty();
    assertThat(apply(put(1)).error()).isNull();
    // Disarming what is not raised answers no alarms.
    ApplyResult again = apply(alarm(AlarmRequest.AlarmAction.DEACTIVATE, AlarmType.NOSPACE));
    assertThat(((AlarmResponse) again.response()).getAlarmsList()).isEmpty();
  }

  @Test
  void activatingTwiceKeepsOneAlarmAndGetFiltersByType() {
    open();
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    ApplyResult twice = apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    assertThat(((AlarmResponse) twice.response()).getAlarmsList())
        .containsExactly(member(AlarmType.NOSPACE));
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.CORRUPT));
    ApplyResult all = apply(alarm(AlarmRequest.AlarmAction.GET, AlarmType.NONE));
    assertThat(((AlarmResponse) all.response()).getAlarmsList())
        .containsExactly(member(AlarmType.NOSPACE), member(AlarmType.CORRUPT));
    ApplyResult corrupt = apply(alarm(AlarmRequest.AlarmAction.GET, AlarmType.CORRUPT));
    assertThat(((AlarmResponse) corrupt.response()).getAlarmsList())
        .containsExactly(member(AlarmType.CORRUPT));
  }

  @Test
  void whileCorruptIsRaisedTheStoreRefusesReadsAndWritesThroughRaft() {
    open();
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.CORRUPT));
    applied.clear();
    for (InternalRaftRequest r :
        List.of(
            put(1),
            leaseGrant(),
            txn(deleteOp()),
            InternalRaftRequest.newBuilder()
                .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))
                .build(),
            InternalRaftRequest.newBuilder()
                .setDeleteRange(
                    DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))
                .build(),
            InternalRaftRequest.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(1))
                .build(),
            InternalRaftRequest.newBuilder()
                .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(1))
                .build())) {
      assertThat(errorOf(apply(r))).as(r.toString()).isEqualTo(ServerError.CORRUPT);
    }
    assertThat(applied).isEmpty();
    assertThat(
            apply(
                    InternalRaftRequest.newBuilder()
                        .setLeaseCheckpoint(LeaseCheckpointRequest.getDefaultInstance())
                        .build())
                .error())
        .isNull();
  }

  @Test
  void alarmsSurviveARestartAndCapTheRestoredChainOverTheQuota() {
    open();
    apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    store.backend().forceCommit();
    reopen();
    assertThat(alarms.list()).containsExactly(member(AlarmType.NOSPACE));
    assertThat(errorOf(apply(put(1)))).isEqualTo(ServerError.NO_SPACE);
    apply(alarm(AlarmRequest.AlarmAction.DEACTIVATE, AlarmType.NOSPACE));
    store.backend().forceCommit();
    reopen();
    assertThat(alarms.list()).isEmpty();
    assertThat(apply(put(1)).error()).isNull();
  }

  @Test
  void theGrpcQuotaCheckRaisesNoSpaceAndFails() throws Exception {
    open();
    size.set(QUOTA - 300);
    assertThat(alarms.checkQuota(256 + 40)).isCompleted();
    assertThat(proposed).isEmpty();
    CompletableFuture<Void> over = alarms.checkQuota(256 + 50);
    assertThat(over).isCompletedExceptionally();
    try {
      over.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(EtcdServerException.class);
      assertThat(((EtcdServerException) e.getCause()).error()).isEqualTo(ServerError.NO_SPACE);
    }
    assertThat(proposed)
        .containsExactly(alarm(AlarmRequest.AlarmAction.ACTIVATE, AlarmType.NOSPACE));
    assertThat(alarms.list()).containsExactly(member(AlarmType.NOSPACE));
    // A request that costs nothing always fits.
    assertThat(alarms.checkQuota(0)).isCompleted();
  }

  @Test
  void aNegativeQuotaLetsEverythingThrough() {
    store =
        NodeStore.open(
            NodeStoreConfig.builder(BackendConfig.builder(dir.resolve("db")).build()).build());
    index = store.consistentIndex();
    alarms =
        new Alarms(
            AlarmStore.open(store.backend()), -1, () -> Long.MAX_VALUE / 2, MEMBER, this::propose);
    assertThat(apply(put(1)).error()).isNull();
    assertThat(alarms.checkQuota(1 << 20)).isCompleted();
  }
}
