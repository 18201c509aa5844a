package io.etcdj.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.etcdj.proto.etcdserverpb.Metadata;
import io.etcdj.proto.leasepb.Lease;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import io.etcdj.proto.walpb.Record;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Field numbers, enum values, method names and byte dumps from the etcd 3.4 fact sheet ({@code
 * shared/spec/etcd-3.4-wire-facts.md}, sections 2.1, 5.1, 5.2, 7.2, 7.4), including the messages
 * jetcd does not define (raftpb, walpb, snappb, leasepb).
 */
class FactSheetWireTest {

  @Test
  void raftpbFieldNumbers() {
    assertFields(Entry.getDescriptor(), "1 Type", "2 Term", "3 Index", "4 Data");
    assertFields(SnapshotMetadata.getDescriptor(), "1 conf_state", "2 index", "3 term");
    assertFields(Snapshot.getDescriptor(), "1 data", "2 metadata");
    assertFields(
        io.etcdj.proto.raftpb.Message.getDescriptor(),
        "1 type",
        "2 to",
        "3 from",
        "4 term",
        "5 logTerm",
        "6 index",
        "7 entries",
        "8 commit",
        "9 snapshot",
        "10 reject",
        "11 rejectHint",
        "12 context");
    assertFields(HardState.getDescriptor(), "1 term", "2 vote", "3 commit");
    assertFields(
        ConfState.getDescriptor(),
        "1 voters",
        "2 learners",
        "3 voters_outgoing",
        "4 learners_next",
        "5 auto_leave");
    assertFields(ConfChange.getDescriptor(), "1 id", "2 type", "3 node_id", "4 context");
    // Repeated uint64 in proto2 is unpacked, as gogo writes it.
    assertThat(ConfState.getDescriptor().findFieldByNumber(1).isPacked()).isFalse();
  }

  @Test
  void raftpbEnums() {
    assertEnum(
        EntryType.getDescriptor(), "EntryNormal 0", "EntryConfChange 1", "EntryConfChangeV2 2");
    assertEnum(
        ConfChangeType.getDescriptor(),
        "ConfChangeAddNode 0",
        "ConfChangeRemoveNode 1",
        "ConfChangeUpdateNode 2",
        "ConfChangeAddLearnerNode 3");
    String[] names = {
      "MsgHup",
      "MsgBeat",
      "MsgProp",
      "MsgApp",
      "MsgAppResp",
      "MsgVote",
      "MsgVoteResp",
      "MsgSnap",
      "MsgHeartbeat",
      "MsgHeartbeatResp",
      "MsgUnreachable",
      "MsgSnapStatus",
      "MsgCheckQuorum",
      "MsgTransferLeader",
      "MsgTimeoutNow",
      "MsgReadIndex",
      "MsgReadIndexResp",
      "MsgPreVote",
      "MsgPreVoteResp"
    };
    for (int i = 0; i < names.length; i++) {
      assertThat(MessageType.forNumber(i).name()).isEqualTo(names[i]);
    }
    assertThat(MessageType.getDescriptor().getValues()).hasSize(names.length);
  }

  @Test
  void walSnapLeaseAndMetadataFieldNumbers() {
    assertFields(Record.getDescriptor(), "1 type", "2 crc", "3 data");
    assertFields(io.etcdj.proto.walpb.Snapshot.getDescriptor(), "1 index", "2 term");
    assertFields(io.etcdj.proto.snappb.snapshot.getDescriptor(), "1 crc", "2 data");
    assertFields(Lease.getDescriptor(), "1 ID", "2 TTL", "3 RemainingTTL");
    assertFields(Metadata.getDescriptor(), "1 NodeID", "2 ClusterID");
    assertFields(
        KeyValue.getDescriptor(),
        "1 key",
        "2 create_revision",
        "3 mod_revision",
        "4 version",
        "5 value",
        "6 lease");
    assertFields(Event.getDescriptor(), "1 type", "2 kv", "3 prev_kv");
    assertThat(Record.getDescriptor().findFieldByNumber(1).getType())
        .isEqualTo(FieldDescriptor.Type.INT64);
    assertThat(Record.getDescriptor().findFieldByNumber(2).getType())
        .isEqualTo(FieldDescriptor.Type.UINT32);
  }

  /** Section 2.2: the link heartbeat a Go peer writes first on a fresh "message" stream. */
  @Test
  void linkHeartbeatEncodesToTheObservedBytes() {
    // proto2 fields Go always writes are set explicitly, zero or not.
    io.etcdj.proto.raftpb.Message heartbeat =
        io.etcdj.proto.raftpb.Message.newBuilder()
            .setType(MessageType.MsgHeartbeat)
            .setTo(0)
            .setFrom(0)
            .setTerm(0)
            .setLogTerm(0)
            .setIndex(0)
            .setCommit(0)
            .setSnapshot(
                Snapshot.newBuilder()
                    .setMetadata(
                        SnapshotMetadata.newBuilder()
                            .setConfState(ConfState.newBuilder().setAutoLeave(false))
                            .setIndex(0)
                            .setTerm(0)))
            .setReject(false)
            .setRejectHint(0)
            .build();
    assertThat(hex(heartbeat))
        .isEqualTo("0808100018002000280030004000" + "4a0a12080a022800100018005000" + "5800");
  }

  /** Section 7.4: a key-bucket value and a lease-bucket value as bbolt holds them. */
  @Test
  void backendValuesEncodeToTheObservedBytes() {
    KeyValue kv =
        KeyValue.newBuilder()
            .setKey(ByteString.copyFromUtf8("a"))
            .setCreateRevision(3)
            .setModRevision(3)
            .setVersion(1)
            .setValue(ByteString.copyFromUtf8("b"))
            .build();
    assertThat(hex(kv)).isEqualTo("0a0161100318032001" + "2a0162");
    KeyValue tombstone = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a")).build();
    assertThat(hex(tombstone)).isEqualTo("0a0161");
    Lease lease = Lease.newBuilder().setID(0x7d7ba2141056e005L).setTTL(60).build();
    assertThat(hex(lease)).startsWith("08").endsWith("103c");
  }

  /** Section 7.2: the first WAL record is a crc record holding 0. */
  @Test
  void firstWalRecordEncodesToTheObservedBytes() {
    Record crc = Record.newBuilder().setType(4).setCrc(0).build();
    assertThat(hex(crc)).isEqualTo("08041000");
  }

  /** Section 5.2: every service and method name etcd 3.4 serves. */
  @Test
  void grpcFullMethodNamesAreEtcds() {
    Set<String> names = new TreeSet<>();
    for (ServiceDescriptor s :
        new ServiceDescriptor[] {
          io.etcdj.proto.etcdserverpb.KVGrpc.getServiceDescriptor(),
          io.etcdj.proto.etcdserverpb.WatchGrpc.getServiceDescriptor(),
          io.etcdj.proto.etcdserverpb.LeaseGrpc.getServiceDescriptor(),
          io.etcdj.proto.etcdserverpb.ClusterGrpc.getServiceDescriptor(),
          io.etcdj.proto.etcdserverpb.MaintenanceGrpc.getServiceDescriptor(),
          io.etcdj.proto.etcdserverpb.AuthGrpc.getServiceDescriptor(),
          io.etcdj.proto.v3lockpb.LockGrpc.getServiceDescriptor(),
          io.etcdj.proto.v3electionpb.ElectionGrpc.getServiceDescriptor()
        }) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        names.add("/" + m.getFullMethodName() + " " + m.getType());
      }
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "/etcdserverpb.KV/Range UNARY",
            "/etcdserverpb.KV/Put UNARY",
            "/etcdserverpb.KV/DeleteRange UNARY",
            "/etcdserverpb.KV/Txn UNARY",
            "/etcdserverpb.KV/Compact UNARY",
            "/etcdserverpb.Watch/Watch BIDI_STREAMING",
            "/etcdserverpb.Lease/LeaseGrant UNARY",
            "/etcdserverpb.Lease/LeaseRevoke UNARY",
            "/etcdserverpb.Lease/LeaseKeepAlive BIDI_STREAMING",
            "/etcdserverpb.Lease/LeaseTimeToLive UNARY",
            "/etcdserverpb.Lease/LeaseLeases UNARY",
            "/etcdserverpb.Cluster/MemberAdd UNARY",
            "/etcdserverpb.Cluster/MemberRemove UNARY",
            "/etcdserverpb.Cluster/MemberUpdate UNARY",
            "/etcdserverpb.Cluster/MemberList UNARY",
            "/etcdserverpb.Cluster/MemberPromote UNARY",
            "/etcdserverpb.Maintenance/Alarm UNARY",
            "/etcdserverpb.Maintenance/Status UNARY",
            "/etcdserverpb.Maintenance/Defragment UNARY",
            "/etcdserverpb.Maintenance/Hash UNARY",
            "/etcdserverpb.Maintenance/HashKV UNARY",
            "/etcdserverpb.Maintenance/Snapshot SERVER_STREAMING",
            "/etcdserverpb.Maintenance/MoveLeader UNARY",
            "/etcdserverpb.Auth/AuthEnable UNARY",
            "/etcdserverpb.Auth/AuthDisable UNARY",
            "/etcdserverpb.Auth/Authenticate UNARY",
            "/etcdserverpb.Auth/UserAdd UNARY",
            "/etcdserverpb.Auth/UserGet UNARY",
            "/etcdserverpb.Auth/UserList UNARY",
            "/etcdserverpb.Auth/UserDelete UNARY",
            "/etcdserverpb.Auth/UserChangePassword UNARY",
            "/etcdserverpb.Auth/UserGrantRole UNARY",
            "/etcdserverpb.Auth/UserRevokeRole UNARY",
            "/etcdserverpb.Auth/RoleAdd UNARY",
            "/etcdserverpb.Auth/RoleGet UNARY",
            "/etcdserverpb.Auth/RoleList UNARY",
            "/etcdserverpb.Auth/RoleDelete UNARY",
            "/etcdserverpb.Auth/RoleGrantPermission UNARY",
            "/etcdserverpb.Auth/RoleRevokePermission UNARY",
            "/v3lockpb.Lock/Lock UNARY",
            "/v3lockpb.Lock/Unlock UNARY",
            "/v3electionpb.Election/Campaign UNARY",
            "/v3electionpb.Election/Proclaim UNARY",
            "/v3electionpb.Election/Leader UNARY",
            "/v3electionpb.Election/Observe SERVER_STREAMING",
            "/v3electionpb.Election/Resign UNARY");
  }

  private static String hex(Message m) {
    return BaseEncoding.base16().lowerCase().encode(m.toByteArray());
  }

  private static void assertFields(Descriptor d, String... numberAndName) {
    Map<Integer, String> actual = new TreeMap<>();
    d.getFields().forEach(f -> actual.put(f.getNumber(), f.getNumber() + " " + f.getName()));
    assertThat(actual.values()).as(d.getFullName()).containsExactly(numberAndName);
  }

  private static void assertEnum(EnumDescriptor e, String... nameAndNumber) {
    assertThat(e.getValues().stream().map(v -> v.getName() + " " + v.getNumber()))
        .as(e.getFullName())
        .containsExactly(nameAndNumber);
  }
}
