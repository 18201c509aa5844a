package io.etcdj.etcdserver.v3rpc;

import static io.etcdj.etcdserver.v3rpc.KvServerTest.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same KV and txn calls over grpc-java against real etcd 3.4.23 (/usr/bin/etcd on ephemeral
 * loopback ports) and against etcdj; every response or error must be equal once the header's
 * cluster ID, member ID and raft term are cleared. Fails, never skips, without etcd.
 */
class KvDifferentialTest {
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One step: a call and its answer in comparable text. */
  static List<String> script(KVGrpc.KVBlockingStub kv) {
    List<Function<KVGrpc.KVBlockingStub, Message>> steps = new ArrayList<>();
    steps.add(k -> k.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).build()));
    steps.add(
        k ->
            k.put(
                PutRequest.newBuilder().setKey(bs("a")).setValue(bs("2")).setPrevKv(true).build()));
    steps.add(k -> k.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("3")).build()));
    steps.add(k -> k.range(RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("c")).build()));
    steps.add(
        k ->
            k.range(
                RangeRequest.newBuilder()
                    .setKey(bs("a"))
                    .setRangeEnd(bs("c"))
                    .setLimit(1)
                    .setSortOrder(RangeRequest.SortOrder.DESCEND)
                    .setSortTarget(RangeRequest.SortTarget.MOD)
                    .build()));
    steps.add(
        k ->
            k.range(
                RangeRequest.newBuilder()
                    .setKey(bs("a"))
                    .setRevision(2)
                    .setKeysOnly(true)
                    .build()));
    steps.add(
        k ->
            k.range(
                RangeRequest.newBuilder()
                    .setKey(bs("\0"))
                    .setRangeEnd(bs("\0"))
                    .setCountOnly(true)
                    .build()));
    steps.add(
        k ->
            k.txn(
                TxnRequest.newBuilder()
                    .addCompare(
                        Compare.newBuilder()
                            .setKey(bs("a"))
                            .setTarget(Compare.CompareTarget.MOD)
                            .setResult(Compare.CompareResult.GREATER)
                            .setModRevision(2))
                    .addSuccess(
                        RequestOp.newBuilder()
                            .setRequestDeleteRange(
                                DeleteRangeRequest.newBuilder().setKey(bs("b")).setPrevKv(true)))
                    .addSuccess(
                        RequestOp.newBuilder()
                            .setRequestTxn(
                                TxnRequest.newBuilder()
                                    .addSuccess(
                                        RequestOp.newBuilder()
                                            .setRequestPut(
                                                PutRequest.newBuilder()
                                                    .setKey(bs("n"))
                                                    .setValue(bs("x"))))))
                    .addFailure(
                        RequestOp.newBuilder()
                            .setRequestRange(RangeRequest.newBuilder().setKey(bs("a"))))
                    .build()));
    steps.add(k -> k.range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(99).build()));
    steps.add(k -> k.put(PutRequest.newBuilder().setKey(bs("z")).setIgnoreLease(true).build()));
    steps.add(
        k -> k.put(PutRequest.newBuilder().setKey(bs("z")).setValue(bs("v")).setLease(7).build()));
    steps.add(
        k ->
            k.deleteRange(
                DeleteRangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("\0")).build()));
    steps.add(k -> k.compact(CompactionRequest.newBuilder().setRevision(3).build()));
    steps.add(k -> k.range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(2).build()));
    steps.add(k -> k.compact(CompactionRequest.newBuilder().setRevision(2).build()));
    steps.add(k -> k.compact(CompactionRequest.newBuilder().setRevision(100).build()));
    List<String> out = new ArrayList<>();
    for (Function<KVGrpc.KVBlockingStub, Message> step : steps) {
      try {
        out.add(normalize(step.apply(kv.withDeadlineAfter(10, TimeUnit.SECONDS))).toString());
      } catch (StatusRuntimeException e) {
        out.add("ERROR " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
      }
    }
    return out;
  }

  /** Clears the IDs and term in every header, nested ones included. */
  static Message normalize(Message m) {
    Message.Builder b = m.toBuilder();
    for (var f : m.getDescriptorForType().getFields()) {
      if (f.getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
          items.add(normalize((Message) m.getRepeatedField(f, i)));
        }
        b.clearField(f);
        items.forEach(v -> b.addRepeatedField(f, v));
      } else if (m.hasField(f)) {
        Message v = (Message) m.getField(f);
        if (v instanceof ResponseHeader h) {
          b.setField(f, h.toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build());
        } else {
          b.setField(f, normalize(v));
        }
      }
    }
    return b.build();
  }

  @Test
  void kvAndTxnAnswersMatchEtcd() throws Exception {
    int client = freePort();
    int peer = freePort();
    Path etcdDir = dir.resolve("etcd");
    Files.createDirectories(etcdDir);
    Process etcd =
        new ProcessBuilder(
                "/usr/bin/etcd",
                "--name",
                "d1",
                "--data-dir",
                etcdDir.resolve("data").toString(),
                "--listen-client-urls",
                "http://127.0.0.1:" + client,
                "--advertise-client-urls",
                "http://127.0.0.1:" + client,
                "--listen-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-cluster",
                "d1=http://127.0.0.1:" + peer)
            .redirectErrorStream(true)
            .redirectOutput(etcdDir.resolve("etcd.log").toFile())
            .start();
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
    try (NodeFixture node = new NodeFixture(dir.resolve("etcdj")).start()) {
      KVGrpc.KVBlockingStub etcdKv = KVGrpc.newBlockingStub(ch).withWaitForReady();
      List<String> want = script(etcdKv);
      List<String> got = script(node.kv());
      // The script exercised real answers, not only errors (etcd was up and answering).
      assertThat(want.get(0)).contains("revision: 2");
      assertThat(want.stream().filter(w -> w.startsWith("ERROR")).count()).isEqualTo(6);
      assertThat(got).containsExactlyElementsOf(want);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
        etcd.destroyForcibly();
      }
    }
  }
}
