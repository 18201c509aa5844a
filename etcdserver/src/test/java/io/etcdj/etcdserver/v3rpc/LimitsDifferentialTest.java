package io.etcdj.etcdserver.v3rpc;

import static io.etcdj.etcdserver.v3rpc.KvDifferentialTest.freePort;
import static io.etcdj.etcdserver.v3rpc.KvDifferentialTest.normalize;
import static io.etcdj.etcdserver.v3rpc.KvServerTest.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmResponse;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.DefragmentRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.StatusRequest;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request limits and the space quota against real etcd 3.4.23 (/usr/bin/etcd on ephemeral loopback
 * ports) and etcdj, same steps, same answers: codes and etcd's texts ({@code --max-request-bytes},
 * {@code --max-txn-ops}, duplicate and empty keys, future and compacted revisions; NOSPACE raised
 * by a full backend, what passes while it is raised, and disarming it). Fails, never skips, without
 * etcd.
 */
class LimitsDifferentialTest {
  static final int MAX_TXN_OPS = 4;
  static final long MAX_REQUEST_BYTES = 10_000;
  static final long QUOTA = 128 * 1024;

  @TempDir Path dir;

  /** A call on a channel to one of the two servers. */
  interface Step extends Function<ManagedChannel, Message> {}

  static KVGrpc.KVBlockingStub kv(ManagedChannel ch) {
    return KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static MaintenanceGrpc.MaintenanceBlockingStub maintenance(ManagedChannel ch) {
    return MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static RequestOp putOp(String k) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs(k))).build();
  }

  static RequestOp deleteOp(String k, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs(k)).setRangeEnd(bs(end)))
        .build();
  }

  static String run(Step s, ManagedChannel ch) {
    try {
      return normalize(s.apply(ch)).toString();
    } catch (StatusRuntimeException e) {
      return "ERROR " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  static List<String> run(List<Step> steps, ManagedChannel ch) {
    List<String> out = new ArrayList<>();
    for (Step s : steps) {
      out.add(run(s, ch));
    }
    return out;
  }

  static List<Step> limitSteps() {
    List<Step> s = new ArrayList<>();
    s.add(ch -> kv(ch).put(PutRequest.newBuilder().setKey(ByteString.EMPTY).build()));
    s.add(ch -> kv(ch).range(RangeRequest.newBuilder().build()));
    s.add(ch -> kv(ch).deleteRange(DeleteRangeRequest.newBuilder().build()));
    s.add(
        ch ->
            kv(ch)
                .put(
                    PutRequest.newBuilder()
                        .setKey(bs("big"))
                        .setValue(ByteString.copyFrom(new byte[(int) MAX_REQUEST_BYTES]))
                        .build()));
    s.add(
        ch ->
            kv(ch)
                .put(
                    PutRequest.newBuilder()
                        .setKey(bs("fits"))
                        .setValue(ByteString.copyFrom(new byte[(int) MAX_REQUEST_BYTES - 100]))
                        .build()));
    TxnRequest.Builder many = TxnRequest.newBuilder();
    for (int i = 0; i <= MAX_TXN_OPS; i++) {
      many.addSuccess(putOp("k" + i));
    }
    s.add(ch -> kv(ch).txn(many.build()));
    TxnRequest.Builder most = TxnRequest.newBuilder();
    for (int i = 0; i < MAX_TXN_OPS; i++) {
      most.addSuccess(putOp("k" + i));
    }
    s.add(ch -> kv(ch).txn(most.build()));
    s.add(
        ch ->
            kv(ch)
                .txn(
                    TxnRequest.newBuilder().addSuccess(putOp("a")).addSuccess(putOp("a")).build()));
    s.add(
        ch ->
            kv(ch)
                .txn(
                    TxnRequest.newBuilder()
                        .addSuccess(putOp("b"))
                        .addSuccess(deleteOp("a", "c"))
                        .build()));
    s.add(
        ch ->
            kv(ch)
                .txn(
                    TxnRequest.newBuilder()
                        .addSuccess(putOp("a"))
                        .addSuccess(
                            RequestOp.newBuilder()
                                .setRequestTxn(TxnRequest.newBuilder().addSuccess(putOp("a"))))
                        .build()));
    s.add(
        ch ->
            kv(ch)
                .txn(
                    TxnRequest.newBuilder().addSuccess(putOp("a")).addFailure(putOp("a")).build()));
    s.add(ch -> kv(ch).txn(TxnRequest.newBuilder().addSuccess(putOp("")).build()));
    s.add(ch -> kv(ch).range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(1000).build()));
    s.add(
        ch ->
            kv(ch)
                .txn(
                    TxnRequest.newBuilder()
                        .addSuccess(
                            RequestOp.newBuilder()
                                .setRequestRange(
                                    RangeRequest.newBuilder().setKey(bs("a")).setRevision(1000)))
                        .build()));
    s.add(ch -> kv(ch).compact(CompactionRequest.newBuilder().setRevision(3).build()));
    s.add(ch -> kv(ch).range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(2).build()));
    s.add(ch -> kv(ch).compact(CompactionRequest.newBuilder().setRevision(2).build()));
    s.add(ch -> kv(ch).compact(CompactionRequest.newBuilder().setRevision(1000).build()));
    return s;
  }

  static AlarmRequest alarm(AlarmRequest.AlarmAction a, long member, AlarmType t) {
    return AlarmRequest.newBuilder().setAction(a).setMemberID(member).setAlarm(t).build();
  }

  /** Alarms with the member ID cleared (the IDs differ between the two clusters). */
  static Message alarms(AlarmResponse r) {
    AlarmResponse.Builder b = r.toBuilder().clearAlarms();
    for (AlarmMember m : r.getAlarmsList()) {
      b.addAlarms(m.toBuilder().clearMemberID());
    }
    return normalize(b.build());
  }

  /** Fills the backend until a put fails; then the steps after NOSPACE, as TestCtlV3Alarm. */
  static List<String> quotaSteps(ManagedChannel ch, long member) {
    List<String> out = new ArrayList<>();
    out.add(
        run(
            c -> kv(c).put(PutRequest.newBuilder().setKey(bs("small")).setValue(bs("v")).build()),
            ch));
    String last = null;
    for (int i = 0; i < 1000; i++) {
      last =
          run(
              c ->
                  kv(c)
                      .put(
                          PutRequest.newBuilder()
                              .setKey(bs("fill"))
                              .setValue(ByteString.copyFrom(new byte[4096]))
                              .build()),
              ch);
      if (last.startsWith("ERROR")) {
        break;
      }
    }
    out.add(last);
    List<Step> s = new ArrayList<>();
    s.add(
        c -> alarms(maintenance(c).alarm(alarm(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE))));
    s.add(c -> kv(c).put(PutRequest.newBuilder().setKey(bs("small2")).setValue(bs("v")).build()));
    s.add(
        c ->
            LeaseGrpc.newBlockingStub(c)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
                .toBuilder()
                .clearID()
                .build());
    s.add(c -> kv(c).txn(TxnRequest.newBuilder().addSuccess(putOp("t")).build()));
    s.add(
        c ->
            kv(c).txn(TxnRequest.newBuilder().addSuccess(deleteOp("x", "")).build()).toBuilder()
                .clearHeader()
                .clearResponses()
                .build());
    s.add(
        c ->
            kv(c)
                .deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("small")).build())
                .toBuilder()
                .clearHeader()
                .build());
    s.add(
        c ->
            kv(c).range(RangeRequest.newBuilder().setKey(bs("small2")).build()).toBuilder()
                .clearHeader()
                .build());
    s.add(
        c ->
            io.etcdj.proto.etcdserverpb.StatusResponse.newBuilder()
                .addAllErrors(
                    maintenance(c).status(StatusRequest.getDefaultInstance()).getErrorsList())
                .build());
    s.add(
        c -> {
          long rev =
              kv(c)
                  .range(RangeRequest.newBuilder().setKey(bs("fill")).build())
                  .getHeader()
                  .getRevision();
          kv(c).compact(CompactionRequest.newBuilder().setRevision(rev).setPhysical(true).build());
          return maintenance(c).defragment(DefragmentRequest.getDefaultInstance()).toBuilder()
              .clearHeader()
              .build();
        });
    s.add(
        c ->
            alarms(
                maintenance(c)
                    .alarm(alarm(AlarmRequest.AlarmAction.DEACTIVATE, member, AlarmType.NOSPACE))));
    s.add(
        c ->
            alarms(
                maintenance(c)
                    .alarm(alarm(AlarmRequest.AlarmAction.DEACTIVATE, member, AlarmType.NOSPACE))));
    s.add(
        c -> alarms(maintenance(c).alarm(alarm(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE))));
    s.add(
        c ->
            kv(c)
                .put(PutRequest.newBuilder().setKey(bs("small3")).setValue(bs("v")).build())
                .toBuilder()
                .clearHeader()
                .build());
    out.addAll(run(s, ch));
    // The member's own ID in Status errors differs between the clusters.
    return out.stream().map(x -> x.replace(Long.toUnsignedString(member), "MEMBER")).toList();
  }

  static Process startEtcd(Path d, int client, int peer, String... extra) throws Exception {
    Files.createDirectories(d);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/etcd",
                "--name",
                "d1",
                "--data-dir",
                d.resolve("data").toString(),
                "--listen-client-urls",
                "http://127.0.0.1:" + client,
                "--advertise-client-urls",
                "http://127.0.0.1:" + client,
                "--listen-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-cluster",
                "d1=http://127.0.0.1:" + peer));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(d.resolve("etcd.log").toFile())
        .start();
  }

  static void stop(Process etcd, ManagedChannel ch) throws InterruptedException {
    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    etcd.destroy();
    if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
      etcd.destroyForcibly();
    }
  }

  static ManagedChannel waitForReady(int client) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
    // The first call waits for the server to be up.
    KVGrpc.newBlockingStub(ch)
        .withWaitForReady()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(bs("warmup")).build());
    return ch;
  }

  @Test
  void requestLimitsAnswerAsEtcd() throws Exception {
    int client = freePort();
    Process etcd =
        startEtcd(
            dir.resolve("etcd"),
            client,
            freePort(),
            "--max-txn-ops",
            Integer.toString(MAX_TXN_OPS),
            "--max-request-bytes",
            Long.toString(MAX_REQUEST_BYTES));
    ManagedChannel ch = null;
    try (NodeFixture node = new NodeFixture(dir.resolve("etcdj"))) {
      ch = waitForReady(client);
      node.start(node.config().maxTxnOps(MAX_TXN_OPS).maxRequestBytes(MAX_REQUEST_BYTES).build());
      List<String> want = run(limitSteps(), ch);
      List<String> got = run(limitSteps(), node.channel);
      assertThat(want.stream().filter(w -> w.startsWith("ERROR")).count()).isGreaterThan(10);
      assertThat(got).containsExactlyElementsOf(want);
    } finally {
      if (ch != null) {
        stop(etcd, ch);
      } else {
        etcd.destroyForcibly();
      }
    }
  }

  @Test
  void aFullBackendRaisesNoSpaceAndAnswersAsEtcd() throws Exception {
    int client = freePort();
    Process etcd =
        startEtcd(
            dir.resolve("etcd"), client, freePort(), "--quota-backend-bytes", Long.toString(QUOTA));
    ManagedChannel ch = null;
    try (NodeFixture node = new NodeFixture(dir.resolve("etcdj"))) {
      ch = waitForReady(client);
      long etcdMember =
          maintenance(ch).status(StatusRequest.getDefaultInstance()).getHeader().getMemberId();
      node.start(node.config().quotaBackendBytes(QUOTA).build());
      List<String> want = quotaSteps(ch, etcdMember);
      List<String> got = quotaSteps(node.channel, node.server.memberId());
      assertThat(want.get(1)).contains("database space exceeded");
      assertThat(got).containsExactlyElementsOf(want);
    } finally {
      if (ch != null) {
        stop(etcd, ch);
      } else {
        etcd.destroyForcibly();
      }
    }
  }
}
