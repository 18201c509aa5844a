package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmResponse;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.DefragmentRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.StatusRequest;
import io.etcdj.proto.etcdserverpb.StatusResponse;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend quota and the NOSPACE alarm over gRPC, the steps of etcd's e2e {@code TestCtlV3Alarm}
 * and integration {@code TestV3StorageQuotaApply}/{@code TestV3AlarmDeactivate}: fill the backend
 * until a put fails, see the alarm, see writes refused while reads, deletes and compaction pass,
 * keep the alarm across a restart, make room and disarm.
 */
class QuotaAlarmTest {
  static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";
  static final long QUOTA = 128 * 1024;

  @TempDir Path dir;

  static PutRequest put(String k, int valueBytes) {
    return PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(k))
        .setValue(ByteString.copyFrom(new byte[valueBytes]))
        .build();
  }

  static void assertNoSpace(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).isEqualTo(NO_SPACE);
            });
  }

  static AlarmRequest request(AlarmRequest.AlarmAction action, long member, AlarmType type) {
    return AlarmRequest.newBuilder().setAction(action).setMemberID(member).setAlarm(type).build();
  }

  @Test
  void fillingTheBackendRaisesNoSpaceWhichCapsWritesUntilDisarmed() throws Exception {
    try (NodeFixture n = new NodeFixture(dir)) {
      EtcdServerConfig cfg = n.config().quotaBackendBytes(QUOTA).build();
      n.start(cfg);
      n.kv().put(put("small", 64));
      int puts = 0;
      while (true) {
        try {
          n.kv().put(put("big", 4096));
          puts++;
          assertThat(puts).as("puts before the quota is hit").isLessThan(1000);
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getDescription()).isEqualTo(NO_SPACE);
          break;
        }
      }
      long member = n.server.memberId();
      AlarmMember raised =
          AlarmMember.newBuilder().setMemberID(member).setAlarm(AlarmType.NOSPACE).build();
      AlarmResponse list =
          n.maintenance().alarm(request(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE));
      assertThat(list.getAlarmsList()).containsExactly(raised);
      assertThat(list.hasHeader()).isFalse();
      StatusResponse st = n.maintenance().status(StatusRequest.getDefaultInstance());
      assertThat(st.getErrorsList())
          .containsExactly("memberID:" + Long.toUnsignedString(member) + " alarm:NOSPACE ");
      assertThat(st.getDbSize()).isGreaterThanOrEqualTo(QUOTA - 4096 - 256 - 8);
      assertThat(st.getDbSizeInUse()).isLessThanOrEqualTo(st.getDbSize());

      // Writes that add data are refused; reads, deletes and writes-free txns pass.
      assertNoSpace(() -> n.kv().put(put("small2", 1)));
      assertNoSpace(() -> n.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()));
      assertNoSpace(
          () ->
              n.kv()
                  .txn(
                      TxnRequest.newBuilder()
                          .addSuccess(RequestOp.newBuilder().setRequestPut(put("t", 1)))
                          .build()));
      assertThat(
              n.kv()
                  .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("small")).build())
                  .getCount())
          .isEqualTo(1);
      n.kv()
          .txn(
              TxnRequest.newBuilder()
                  .addSuccess(
                      RequestOp.newBuilder()
                          .setRequestDeleteRange(
                              DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("x"))))
                  .build());
      n.kv()
          .deleteRange(
              DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("small")).build());

      // The alarm is in the backend: a restarted member still has it and still refuses writes.
      n.stopMember();
      n.start(cfg);
      assertThat(
              n.maintenance()
                  .alarm(request(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE))
                  .getAlarmsList())
          .containsExactly(raised);
      assertNoSpace(() -> n.kv().put(put("small2", 1)));

      // Make room, disarm, write again.
      long rev =
          n.kv()
              .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("big")).build())
              .getHeader()
              .getRevision();
      n.kv().compact(CompactionRequest.newBuilder().setRevision(rev).setPhysical(true).build());
      n.maintenance().defragment(DefragmentRequest.getDefaultInstance());
      AlarmResponse off =
          n.maintenance()
              .alarm(request(AlarmRequest.AlarmAction.DEACTIVATE, member, AlarmType.NOSPACE));
      assertThat(off.getAlarmsList()).containsExactly(raised);
      assertThat(
              n.maintenance()
                  .alarm(request(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE))
                  .getAlarmsList())
          .isEmpty();
      assertThat(n.maintenance().status(StatusRequest.getDefaultInstance()).getErrorsList())
          .isEmpty();
      n.kv().put(put("small3", 64));
    }
  }
}
