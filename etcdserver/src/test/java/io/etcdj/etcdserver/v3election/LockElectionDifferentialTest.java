package io.etcdj.etcdserver.v3election;

import static io.etcdj.etcdserver.concurrency.SelfNode.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.etcdj.etcdserver.concurrency.SelfNode;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.v3electionpb.CampaignRequest;
import io.etcdj.proto.v3electionpb.CampaignResponse;
import io.etcdj.proto.v3electionpb.ElectionGrpc;
import io.etcdj.proto.v3electionpb.LeaderRequest;
import io.etcdj.proto.v3electionpb.LeaderResponse;
import io.etcdj.proto.v3electionpb.ProclaimRequest;
import io.etcdj.proto.v3electionpb.ResignRequest;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.etcdj.proto.v3lockpb.LockRequest;
import io.etcdj.proto.v3lockpb.LockResponse;
import io.etcdj.proto.v3lockpb.UnlockRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same Lock and Election calls over grpc-java against real etcd 3.4.23 (/usr/bin/etcd on
 * ephemeral loopback ports) and against etcdj; answers and errors must be equal once cluster ID,
 * member ID and raft term are dropped and the lease IDs (in keys too) are named. Fails, never
 * skips, without etcd.
 */
class LockElectionDifferentialTest {
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static List<String> script(Channel ch) throws Exception {
    LeaseGrpc.LeaseBlockingStub lease =
        LeaseGrpc.newBlockingStub(ch).withWaitForReady().withDeadlineAfter(20, TimeUnit.SECONDS);
    LockGrpc.LockBlockingStub lock =
        LockGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
    ElectionGrpc.ElectionBlockingStub el =
        ElectionGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
    long l1 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
    long l2 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
    List<String> out = new ArrayList<>();
    LockResponse held =
        step(out, () -> lock.lock(LockRequest.newBuilder().setName(bs("l")).setLease(l1).build()));
    ListenableFuture<LockResponse> waiting =
        LockGrpc.newFutureStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .lock(LockRequest.newBuilder().setName(bs("l")).setLease(l2).build());
    Thread.sleep(300); // queued behind the holder
    step(out, () -> lock.unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build()));
    LockResponse second = step(out, () -> waiting.get(10, TimeUnit.SECONDS));
    step(out, () -> lock.unlock(UnlockRequest.newBuilder().setKey(second.getKey()).build()));
    step(out, () -> lock.lock(LockRequest.newBuilder().setName(bs("l")).setLease(12345).build()));
    step(out, () -> el.leader(LeaderRequest.newBuilder().setName(bs("e")).build()));
    CampaignResponse c =
        step(
            out,
            () ->
                el.campaign(
                    CampaignRequest.newBuilder()
                        .setName(bs("e"))
                        .setLease(l1)
                        .setValue(bs("v1"))
                        .build()));
    step(
        out,
        () ->
            el.proclaim(
                ProclaimRequest.newBuilder().setLeader(c.getLeader()).setValue(bs("v2")).build()));
    step(out, () -> el.leader(LeaderRequest.newBuilder().setName(bs("e")).build()));
    Iterator<LeaderResponse> observed =
        ElectionGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .observe(LeaderRequest.newBuilder().setName(bs("e")).build());
    step(out, observed::next);
    step(out, () -> el.resign(ResignRequest.newBuilder().setLeader(c.getLeader()).build()));
    step(
        out,
        () ->
            el.proclaim(
                ProclaimRequest.newBuilder().setLeader(c.getLeader()).setValue(bs("v3")).build()));
    step(out, () -> el.resign(ResignRequest.newBuilder().setLeader(c.getLeader()).build()));
    step(out, () -> el.proclaim(ProclaimRequest.newBuilder().setValue(bs("v")).build()));
    step(out, () -> el.resign(ResignRequest.getDefaultInstance()));
    List<String> named = new ArrayList<>();
    for (String s : out) {
      named.add(
          s.replace(Long.toHexString(l1), "<L1>")
              .replace(Long.toString(l1), "<L1>")
              .replace(Long.toHexString(l2), "<L2>")
              .replace(Long.toString(l2), "<L2>")
              .replaceAll("(cluster_id|member_id|raft_term): \\d+\\n", ""));
    }
    return named;
  }

  private static <T extends Message> T step(List<String> out, Callable<T> call) {
    try {
      T m = call.call();
      out.add(TextFormat.printer().printToString(m));
      return m;
    } catch (Exception e) {
      Throwable t = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      if (t instanceof StatusRuntimeException sre) {
        out.add("ERROR " + sre.getStatus().getCode() + " " + sre.getStatus().getDescription());
        return null;
      }
      throw new AssertionError(e);
    }
  }

  @Test
  void lockAndElectionAnswersMatchEtcd() throws Exception {
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
    Files.createDirectories(dir.resolve("etcdj"));
    try (SelfNode node = new SelfNode(dir.resolve("etcdj"))) {
      List<String> want = script(ch);
      List<String> got = script(node.channel);
      assertThat(want.get(0)).contains("key: \"l/<L1>\"");
      assertThat(want.stream().filter(w -> w.startsWith("ERROR")).count()).isEqualTo(5);
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
