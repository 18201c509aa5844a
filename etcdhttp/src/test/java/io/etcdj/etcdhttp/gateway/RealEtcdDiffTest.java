package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counter;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.etcdj.etcdhttp.ClientAccessController;
import io.etcdj.etcdhttp.ClientHandlers;
import io.etcdj.etcdhttp.HealthProbes;
import io.etcdj.etcdhttp.HttpHandler;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.PeerHandlers;
import io.etcdj.etcdhttp.PlainText;
import io.etcdj.etcdhttp.RecordingSink;
import io.etcdj.etcdhttp.Route;
import io.etcdj.etcdhttp.ServerView;
import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.MemberJson;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantResponse;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.StatusRequest;
import io.etcdj.proto.etcdserverpb.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential checks against etcd 3.4.23 (/usr/bin/etcd, required: the test fails without it).
 * Each request goes to real etcd's gateway; the gRPC answer etcd's server gave is then replayed by
 * a fake service behind our gateway (parsed back from etcd's JSON, or the same status code and
 * message), and the two HTTP answers must be byte-identical. This pins the JSON conventions (names,
 * order, int64 strings, base64, omitted zeros) and the error mapping, not the server logic.
 */
class RealEtcdDiffTest {
  private static Process etcd;
  private static Path dataDir;
  private static String clientUrl;
  private static String peerUrl;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ConcurrentHashMap<String, Object> replies = new ConcurrentHashMap<>();
  private static Server server;
  private static ManagedChannel channel;
  private static GrpcGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Path.of("/usr/bin/etcd")).as("etcd 3.4.23 must be installed").exists();
    int client = freePort();
    int peer = freePort();
    dataDir = Files.createTempDirectory("etcdhttp-diff");
    clientUrl = "http://127.0.0.1:" + client;
    peerUrl = "http://127.0.0.1:" + peer;
    etcd =
        new ProcessBuilder(
                "/usr/bin/etcd",
                "--name",
                "n1",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                clientUrl,
                "--advertise-client-urls",
                clientUrl,
                "--listen-peer-urls",
                peerUrl,
                "--initial-advertise-peer-urls",
                peerUrl,
                "--initial-cluster",
                "n1=" + peerUrl)
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("etcd.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if (get("/health").statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not up yet
      }
      assertThat(System.nanoTime()).as("etcd did not become healthy").isLessThan(deadline);
      Thread.sleep(100); // waiting for an external process; there is no clock to inject
    }
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new ReplayKv())
            .addService(new ReplayLease())
            .addService(new ReplayMaintenance())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    gateway = new GrpcGateway(channel);
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
    if (etcd != null) {
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
        etcd.destroyForcibly();
      }
    }
    if (dataDir != null) {
      try (Stream<Path> s = Files.walk(dataDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static java.net.http.HttpResponse<String> get(String path) throws Exception {
    return send("GET", clientUrl + path);
  }

  private static java.net.http.HttpResponse<String> send(String method, String url)
      throws Exception {
    return HTTP.send(
        java.net.http.HttpRequest.newBuilder(URI.create(url))
            .method(method, BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        BodyHandlers.ofString());
  }

  private static java.net.http.HttpResponse<String> etcdPost(String path, String body)
      throws Exception {
    return HTTP.send(
        java.net.http.HttpRequest.newBuilder(URI.create(clientUrl + path))
            .timeout(Duration.ofSeconds(5))
            .POST(BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());
  }

  private static final Pattern ERROR =
      Pattern.compile("\\{\"error\":\"(.*)\",\"message\":\"(.*)\",\"code\":(\\d+)}");

  /** Posts to etcd, arranges the same gRPC answer for our gateway, compares the two. */
  private static void same(String path, String body, String method, Message prototype)
      throws Exception {
    java.net.http.HttpResponse<String> theirs = etcdPost(path, body);
    Matcher m = ERROR.matcher(theirs.body());
    if (theirs.statusCode() != 200 && m.matches()) {
      replies.put(
          method, Status.fromCodeValue(Integer.parseInt(m.group(3))).withDescription(m.group(1)));
    } else {
      Message.Builder b = prototype.newBuilderForType();
      JsonFormat.parser().merge(theirs.body(), b);
      replies.put(method, b.build());
    }
    HttpResponse ours =
        gateway
            .handle(HttpRequest.of("POST", path).withBody(body.getBytes(UTF_8)))
            .get(5, TimeUnit.SECONDS);
    assertThat(ours.status()).as(path + " " + body).isEqualTo(theirs.statusCode());
    assertThat(RecordingSink.text(ours)).as(path + " " + body).isEqualTo(theirs.body());
    assertThat(ours.headers().get("Content-Type"))
        .isEqualTo(theirs.headers().firstValue("Content-Type").orElse(null));
    assertThat(ours.headers().get("Grpc-Metadata-Content-Type"))
        .isEqualTo(theirs.headers().firstValue("Grpc-Metadata-Content-Type").orElse(null));
  }

  @Test
  void putRangeStatusAndErrorsMatchEtcd() throws Exception {
    same(
        "/v3/kv/put",
        "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}",
        "put",
        PutResponse.getDefaultInstance());
    same(
        "/v3/kv/put",
        "{\"key\":\"Zm9v\",\"value\":\"YmF6PT0=\",\"prev_kv\":true}",
        "put",
        PutResponse.getDefaultInstance());
    same("/v3/kv/range", "{\"key\":\"Zm9v\"}", "range", RangeResponse.getDefaultInstance());
    same(
        "/v3/kv/range",
        "{\"key\":\"AA==\",\"range_end\":\"AA==\"}",
        "range",
        RangeResponse.getDefaultInstance());
    same(
        "/v3/kv/range",
        "{\"key\":\"Zm9v\",\"revision\":\"100\"}",
        "range",
        RangeResponse.getDefaultInstance());
    same("/v3/kv/range", "", "range", RangeResponse.getDefaultInstance());
    same("/v3/kv/range", "{\"key\":", "range", RangeResponse.getDefaultInstance());
    same(
        "/v3/lease/grant",
        "{\"TTL\":100,\"ID\":4660}",
        "grant",
        LeaseGrantResponse.getDefaultInstance());
    same(
        "/v3/lease/grant",
        "{\"TTL\":100,\"ID\":4660}",
        "grant",
        LeaseGrantResponse.getDefaultInstance());
    same("/v3/maintenance/status", "{}", "status", StatusResponse.getDefaultInstance());
  }

  /** Same method and path on etcd and on our handlers: same status, body and named headers. */
  private static void sameHttp(
      String method, String base, String path, HttpHandler ours, String... headers)
      throws Exception {
    java.net.http.HttpResponse<String> theirs = send(method, base + path);
    HttpResponse mine = ours.handle(HttpRequest.of(method, path)).get(5, TimeUnit.SECONDS);
    String what = method + " " + base + path;
    assertThat(mine.status()).as(what).isEqualTo(theirs.statusCode());
    assertThat(RecordingSink.text(mine)).as(what).isEqualTo(theirs.body());
    for (String h : headers) {
      assertThat(mine.headers().get(h))
          .as(what + " " + h)
          .isEqualTo(theirs.headers().firstValue(h).orElse(null));
    }
  }

  @Test
  void clientAndPeerHandlersMatchEtcd() throws Exception {
    java.net.http.HttpResponse<String> members = send("GET", peerUrl + "/members");
    ServerView view =
        new ServerView() {
          @Override
          public long clusterId() {
            return Long.parseUnsignedLong(
                members.headers().firstValue("X-Etcd-Cluster-Id").orElseThrow(), 16);
          }

          @Override
          public List<Member> members() {
            return MemberJson.decodeList(members.body().strip());
          }

          @Override
          public ClusterVersion clusterVersion() {
            return ClusterVersion.parse("3.4.0");
          }

          @Override
          public boolean hasLeader() {
            return true;
          }

          @Override
          public List<AlarmMember> alarms() {
            return List.of();
          }
        };
    HealthProbes probes =
        new HealthProbes() {
          @Override
          public CompletableFuture<Boolean> quorumProbe() {
            return CompletableFuture.completedFuture(true);
          }

          @Override
          public CompletableFuture<Void> read(boolean serializable) {
            return CompletableFuture.completedFuture(null);
          }
        };
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      List<Route> clientRoutes =
          new ArrayList<>(
              new ClientHandlers("3.4.23", view, probes, scheduler, new Counter(), new Counter())
                  .routes());
      clientRoutes.addAll(gateway.routes());
      HttpHandler client =
          new ClientAccessController(Set.of("*"), Set.of("*"), false, mux(clientRoutes));
      String[] cors = {
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
        "Content-Type",
        "Allow"
      };
      sameHttp("GET", clientUrl, "/version", client, cors);
      sameHttp("GET", clientUrl, "/health", client, cors);
      sameHttp("POST", clientUrl, "/health", client, cors);
      sameHttp("OPTIONS", clientUrl, "/anything", client, cors);
      sameHttp("GET", clientUrl, "/nothing", client, cors);
      sameHttp("GET", clientUrl, "/v3/kv/range", client, cors);
      sameHttp("POST", clientUrl, "/v3/kv/nosuch", client, cors);
      sameHttp("POST", clientUrl, "/v3alpha/kv/range", client, cors);

      HttpHandler peer =
          mux(
              new PeerHandlers(
                      "3.4.23",
                      view,
                      id ->
                          CompletableFuture.failedFuture(MembershipError.ID_NOT_FOUND.exception()),
                      rev -> CompletableFuture.failedFuture(new IllegalStateException("unused")),
                      null,
                      scheduler,
                      null)
                  .routes());
      String[] peerHeaders = {"Content-Type", "X-Etcd-Cluster-Id", "Allow"};
      sameHttp("GET", peerUrl, "/members", peer, peerHeaders);
      sameHttp("POST", peerUrl, "/members", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/version", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/raft", peer, peerHeaders);
      sameHttp("PUT", peerUrl, "/raft", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/leases", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/leases/internal", peer, peerHeaders);
      sameHttp("POST", peerUrl, "/members/promote/abc", peer, peerHeaders);
      sameHttp("POST", peerUrl, "/members/promote/123", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/members/promote/123", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/nothing", peer, peerHeaders);
      sameHttp("GET", peerUrl, "/livez", peer, peerHeaders);
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Go ServeMux matching (exact, or longest prefix for patterns ending in /). */
  private static HttpHandler mux(List<Route> routes) {
    return r -> {
      Route best = null;
      for (Route route : routes) {
        String p = route.pattern();
        boolean match = p.endsWith("/") ? r.path().startsWith(p) : r.path().equals(p);
        if (match && (best == null || p.length() > best.pattern().length())) {
          best = route;
        }
      }
      return best == null ? PlainText.done(PlainText.notFound()) : best.handler().handle(r);
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> void reply(String method, StreamObserver<T> out) {
    Object r = replies.get(method);
    if (r instanceof Status s) {
      out.onError(s.asException());
    } else {
      out.onNext((T) r);
      out.onCompleted();
    }
  }

  private static final class ReplayKv extends KVGrpc.KVImplBase {
    @Override
    public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
      reply("range", out);
    }

    @Override
    public void put(PutRequest req, StreamObserver<PutResponse> out) {
      reply("put", out);
    }
  }

  private static final class ReplayLease extends LeaseGrpc.LeaseImplBase {
    @Override
    public void leaseGrant(LeaseGrantRequest req, StreamObserver<LeaseGrantResponse> out) {
      reply("grant", out);
    }
  }

  private static final class ReplayMaintenance extends MaintenanceGrpc.MaintenanceImplBase {
    @Override
    public void status(StatusRequest req, StreamObserver<StatusResponse> out) {
      reply("status", out);
    }
  }
}
