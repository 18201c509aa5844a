package io.etcdj.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.etcdj.proto.v3lockpb.LockRequest;
import io.etcdj.proto.v3lockpb.LockResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member started the way a JVM program embeds one, used by grpc-java and by real etcdctl. */
class EtcdTest {
  @TempDir Path dir;

  @Test
  void embeddedMemberServesGrpcAndSurvivesRestart() throws Exception {
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      assertThat(u.getPort()).isPositive();
      assertThat(etcd.advertisedClientUrls()).containsExactly(u);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress(u.getHost(), u.getPort()).usePlaintext().build();
      try {
        KVGrpc.KVBlockingStub kv =
            KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        kv.put(PutRequest.newBuilder().setKey(bs("foo")).setValue(bs("bar")).build());
        RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(bs("foo")).build());
        assertThat(r.getKvs(0).getValue().toStringUtf8()).isEqualTo("bar");
        assertThat(r.getHeader().getRevision()).isEqualTo(2);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    // Same data dir: the key and its revision come back; nothing is applied twice.
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      assertThat(etcdctl(u, "get", "foo", "-w", "json")).contains("\"revision\":2");
      assertThat(etcdctl(u, "put", "k2", "v2")).isEqualTo("OK\n");
      assertThat(etcdctl(u, "get", "", "--prefix", "--keys-only")).isEqualTo("foo\n\nk2\n\n");
      // The same port answers HTTP/1.1: etcd's /health, /version and the JSON gateway.
      assertThat(http(u, "GET", "/health", null)).isEqualTo("200 {\"health\":\"true\"}");
      assertThat(http(u, "GET", "/version", null))
          .isEqualTo("200 {\"etcdserver\":\"3.4.31\",\"etcdcluster\":\"3.4.0\"}");
      assertThat(http(u, "POST", "/v3/kv/range", "{\"key\":\"Zm9v\"}"))
          .startsWith("200 {\"header\":{\"cluster_id\":")
          .contains("\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\"");
      assertThat(http(u, "GET", "/nosuch", null)).isEqualTo("404 404 page not found\n");
      // The peer port: etcd's member list and version, /raft as a lone member, 404 elsewhere. The
      // member keeps the peer URL it bootstrapped with (etcd stores it), not this run's port.
      URI peer = etcd.peerUrls().get(0);
      assertThat(http(peer, "GET", "/members", null))
          .matches(
              "200 \\[\\{\"id\":\\d+,\"peerURLs\":\\[\"http://127.0.0.1:\\d+\"\\],\"name\":\"default\",\"clientURLs\":\\[\""
                  + u
                  + "\"\\]\\}\\]\n");
      assertThat(http(peer, "GET", "/version", null))
          .isEqualTo("200 {\"etcdserver\":\"3.4.31\",\"etcdcluster\":\"3.4.0\"}");
      assertThat(http(peer, "GET", "/raft", null)).startsWith("405 ");
      assertThat(http(peer, "GET", "/health", null)).isEqualTo("404 404 page not found\n");
    }
  }

  /** etcd's metrics are updated by the server: e2e TestV3MetricsSecure/Insecure's series. */
  @Test
  void metricsFollowTheServer() throws Exception {
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress(u.getHost(), u.getPort()).usePlaintext().build();
      try {
        KVGrpc.KVBlockingStub kv =
            KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        kv.put(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v")).build());
        kv.put(PutRequest.newBuilder().setKey(bs("1")).setValue(bs("v")).build());
        kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("1")).build());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      String m = http(u, "GET", "/metrics", null);
      for (int i = 0; i < 100 && !m.contains("etcd_cluster_version{"); i++) {
        Thread.sleep(100); // the cluster version is decided through raft after start
        m = http(u, "GET", "/metrics", null);
      }
      assertThat(m)
          .startsWith("200 ")
          .contains("\netcd_mvcc_put_total 2\n")
          .contains("\netcd_mvcc_delete_total 1\n")
          .contains("\netcd_debugging_mvcc_keys_total 1\n")
          .contains("\netcd_server_has_leader 1\n")
          .contains("\netcd_server_is_leader 1\n")
          .contains("\netcd_server_leader_changes_seen_total 1\n")
          .contains("\netcd_cluster_version{cluster_version=\"3.4\"} 1\n")
          .contains(
              "\ngrpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Put\","
                  + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 2\n")
          .containsPattern("\netcd_server_proposals_applied_total [1-9]")
          .containsPattern("\netcd_mvcc_db_total_size_in_bytes [1-9]")
          .containsPattern("\nprocess_resident_memory_bytes [1-9]");
    }
  }

  @Test
  void lockAndElectionAnswerOnTheClientPortAndAGatewayWaiterThatGoesAwayLeavesTheQueue()
      throws Exception {
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress(u.getHost(), u.getPort()).usePlaintext().build();
      try {
        LeaseGrpc.LeaseBlockingStub lease =
            LeaseGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        long l1 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        long l2 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        LockResponse held =
            LockGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .lock(LockRequest.newBuilder().setName(bs("g")).setLease(l1).build());
        assertThat(held.getKey().toStringUtf8()).isEqualTo("g/" + Long.toHexString(l1));

        KVGrpc.KVBlockingStub kv =
            KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        RangeRequest waiter =
            RangeRequest.newBuilder().setKey(bs("g/" + Long.toHexString(l2))).build();
        // A gateway Lock queues behind the holder; its HTTP client going away removes the key.
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
          String body = "{\"name\":\"Zw==\",\"lease\":\"" + l2 + "\"}";
          s.getOutputStream()
              .write(
                  ("POST /v3/lock/lock HTTP/1.1\r\nHost: "
                          + u.getAuthority()
                          + "\r\nContent-Type: application/json\r\nContent-Length: "
                          + body.length()
                          + "\r\n\r\n"
                          + body)
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          pollUntil(() -> kv.range(waiter).getCount() == 1);
        }
        pollUntil(() -> kv.range(waiter).getCount() == 0);
        assertThat(http(u, "POST", "/v3/election/leader", "{\"name\":\"ZQ==\"}"))
            .isEqualTo(
                "500 {\"error\":\"election: no leader\",\"message\":\"election: no leader\","
                    + "\"code\":2}");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Polls {@code cond} every 20 ms for at most 10 s. */
  private static void pollUntil(java.util.function.BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /**
   * etcdctl member add/promote/remove/update against one member, answered as etcd 3.4.23 answers
   * them (ctl_v3_member_test.go; compared by hand with the real binary), and the peer promote
   * endpoint; the membership survives a restart.
   */
  @Test
  void memberChangesThroughEtcdctlAnswerAsEtcdAndSurviveRestart() throws Exception {
    String learner;
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      String added =
          etcdctl(u, "member", "add", "l1", "--learner", "--peer-urls=http://127.0.0.1:1001");
      assertThat(added)
          .matches(
              "(?s)Member +[0-9a-f]+ added to cluster +[0-9a-f]+\n.*"
                  + "ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
      learner = added.split(" +")[1];
      assertThat(etcdctlFails(u, "member", "promote", learner))
          .endsWith(
              "Error: etcdserver: can only promote a learner member which is in sync with leader\n");
      URI peer = etcd.peerUrls().get(0);
      assertThat(
              http(
                  peer,
                  "POST",
                  "/members/promote/" + Long.toUnsignedString(Long.parseUnsignedLong(learner, 16)),
                  null))
          .isEqualTo(
              "412 etcdserver: can only promote a learner member which is in sync with leader\n");
      assertThat(
              etcdctlFails(
                  u, "member", "add", "l2", "--learner", "--peer-urls=http://127.0.0.1:1002"))
          .endsWith("Error: etcdserver: too many learner members in cluster\n");
      String self = Long.toHexString(etcd.server().memberId());
      assertThat(etcdctlFails(u, "member", "remove", self))
          .endsWith(
              "Error: etcdserver: re-configuration failed due to not enough started members\n");
      assertThat(etcdctl(u, "member", "update", self, "--peer-urls=http://127.0.0.1:1003"))
          .matches("Member +" + self + " updated in cluster +[0-9a-f]+\n");
    }
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      assertThat(etcdctl(u, "member", "list"))
          .contains(learner + ", unstarted, , http://127.0.0.1:1001, , true")
          .contains(", started, default, http://127.0.0.1:1003, " + u + ", false");
      assertThat(etcdctl(u, "member", "remove", learner))
          .matches("Member +" + learner + " removed from cluster +[0-9a-f]+\n");
      assertThat(etcdctlFails(u, "member", "remove", learner))
          .endsWith("Error: etcdserver: member not found\n");
    }
  }

  /** etcd panics ("removed all voters") when the lone voter removes itself without the check. */
  @Test
  void theLoneVoterRemovingItselfStopsTheMember() throws Exception {
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir).strictReconfigCheck(false))) {
      etcd.readyFuture().get(20, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      etcdctlFails(u, "member", "remove", Long.toHexString(etcd.server().memberId()));
      assertThat(etcd.stoppedFuture())
          .failsWithin(20, TimeUnit.SECONDS)
          .withThrowableThat()
          .havingRootCause()
          .withMessage("removed all voters");
    }
  }

  @Test
  void bindFailureClosesWhatWasOpened() throws Exception {
    try (Etcd first = Etcd.start(Config.forEmbedding(dir.resolve("a")))) {
      first.readyFuture().get(20, TimeUnit.SECONDS);
      URI taken = first.clientUrls().get(0);
      Config second = Config.forEmbedding(dir.resolve("b"));
      second.listenClientUrls(List.of(taken)).advertiseClientUrls(List.of(taken));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Etcd.start(second))
          .hasMessage(
              "listen tcp "
                  + taken.getHost()
                  + ":"
                  + taken.getPort()
                  + ": bind: address already in use");
      // the first member still serves
      assertThat(etcdctl(taken, "put", "x", "y")).isEqualTo("OK\n");
    }
  }

  private static String etcdctl(URI endpoint, String... args)
      throws IOException, InterruptedException {
    return etcdctl(true, endpoint, args);
  }

  /** etcdctl's output; an error answer exits 1. */
  private static String etcdctlFails(URI endpoint, String... args)
      throws IOException, InterruptedException {
    return etcdctl(false, endpoint, args);
  }

  private static String etcdctl(boolean succeeds, URI endpoint, String... args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint, "--command-timeout=10s"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String s = out.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(s).isEqualTo(succeeds ? 0 : 1);
    return s;
  }

  private static String http(URI base, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest.BodyPublisher p =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpResponse<String> r =
        c.send(
            HttpRequest.newBuilder(base.resolve(path)).method(method, p).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
