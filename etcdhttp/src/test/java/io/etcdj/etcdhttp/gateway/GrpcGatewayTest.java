package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.etcdj.etcdhttp.HttpHeaders;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.RecordingSink;
import io.etcdj.proto.etcdserverpb.HashRequest;
import io.etcdj.proto.etcdserverpb.HashResponse;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.proto.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.proto.etcdserverpb.LeaseRevokeResponse;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway against fake services on an in-process gRPC server. Expected bodies are what etcd
 * 3.4.23 answered to the same curl requests on loopback; RealEtcdGatewayDiffTest re-checks the
 * unary ones against a live etcd on every build.
 */
class GrpcGatewayTest {
  private static final ResponseHeader HEADER =
      ResponseHeader.newBuilder()
          .setClusterId(645635666315790719L)
          .setMemberId(2619106911418203958L)
          .setRevision(3)
          .setRaftTerm(2)
          .build();
  private static final String HEADER_JSON =
      "{\"cluster_id\":\"645635666315790719\",\"member_id\":\"2619106911418203958\","
          + "\"revision\":\"3\",\"raft_term\":\"2\"}";

  private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
  private final List<RangeRequest> ranges = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> watchCancelled = new CompletableFuture<>();
  private Server server;
  private ManagedChannel channel;
  private GrpcGateway gateway;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor auth =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            lastAuthorization.set(
                headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
            return next.startCall(call, headers);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(new FakeKv(), auth))
            .addService(new FakeWatch())
            .addService(new FakeLease())
            .addService(new FakeMaintenance())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    gateway = new GrpcGateway(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private HttpResponse post(String path, String body) throws Exception {
    return gateway
        .handle(HttpRequest.of("POST", path).withBody(body.getBytes(UTF_8)))
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void everyEtcdPathMapsToItsGrpcMethod() {
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("/v3/kv/range", "etcdserverpb.KV/Range"),
            Map.entry("/v3/kv/put", "etcdserverpb.KV/Put"),
            Map.entry("/v3/kv/deleterange", "etcdserverpb.KV/DeleteRange"),
            Map.entry("/v3/kv/txn", "etcdserverpb.KV/Txn"),
            Map.entry("/v3/kv/compaction", "etcdserverpb.KV/Compact"),
            Map.entry("/v3/watch", "etcdserverpb.Watch/Watch"),
            Map.entry("/v3/lease/grant", "etcdserverpb.Lease/LeaseGrant"),
            Map.entry("/v3/lease/revoke", "etcdserverpb.Lease/LeaseRevoke"),
            Map.entry("/v3/kv/lease/revoke", "etcdserverpb.Lease/LeaseRevoke"),
            Map.entry("/v3/lease/keepalive", "etcdserverpb.Lease/LeaseKeepAlive"),
            Map.entry("/v3/lease/timetolive", "etcdserverpb.Lease/LeaseTimeToLive"),
            Map.entry("/v3/kv/lease/timetolive", "etcdserverpb.Lease/LeaseTimeToLive"),
            Map.entry("/v3/lease/leases", "etcdserverpb.Lease/LeaseLeases"),
            Map.entry("/v3/kv/lease/leases", "etcdserverpb.Lease/LeaseLeases"),
            Map.entry("/v3/cluster/member/add", "etcdserverpb.Cluster/MemberAdd"),
            Map.entry("/v3/cluster/member/remove", "etcdserverpb.Cluster/MemberRemove"),
            Map.entry("/v3/cluster/member/update", "etcdserverpb.Cluster/MemberUpdate"),
            Map.entry("/v3/cluster/member/list", "etcdserverpb.Cluster/MemberList"),
            Map.entry("/v3/cluster/member/promote", "etcdserverpb.Cluster/MemberPromote"),
            Map.entry("/v3/maintenance/alarm", "etcdserverpb.Maintenance/Alarm"),
            Map.entry("/v3/maintenance/status", "etcdserverpb.Maintenance/Status"),
            Map.entry("/v3/maintenance/defragment", "etcdserverpb.Maintenance/Defragment"),
            Map.entry("/v3/maintenance/hash", "etcdserverpb.Maintenance/Hash"),
            Map.entry("/v3/maintenance/snapshot", "etcdserverpb.Maintenance/Snapshot"),
            Map.entry("/v3/maintenance/transfer-leadership", "etcdserverpb.Maintenance/MoveLeader"),
            Map.entry("/v3/auth/enable", "etcdserverpb.Auth/AuthEnable"),
            Map.entry("/v3/auth/disable", "etcdserverpb.Auth/AuthDisable"),
            Map.entry("/v3/auth/authenticate", "etcdserverpb.Auth/Authenticate"),
            Map.entry("/v3/auth/user/add", "etcdserverpb.Auth/UserAdd"),
            Map.entry("/v3/auth/user/get", "etcdserverpb.Auth/UserGet"),
            Map.entry("/v3/auth/user/list", "etcdserverpb.Auth/UserList"),
            Map.entry("/v3/auth/user/delete", "etcdserverpb.Auth/UserDelete"),
            Map.entry("/v3/auth/user/changepw", "etcdserverpb.Auth/UserChangePassword"),
            Map.entry("/v3/auth/user/grant", "etcdserverpb.Auth/UserGrantRole"),
            Map.entry("/v3/auth/user/revoke", "etcdserverpb.Auth/UserRevokeRole"),
            Map.entry("/v3/auth/role/add", "etcdserverpb.Auth/RoleAdd"),
            Map.entry("/v3/auth/role/get", "etcdserverpb.Auth/RoleGet"),
            Map.entry("/v3/auth/role/list", "etcdserverpb.Auth/RoleList"),
            Map.entry("/v3/auth/role/delete", "etcdserverpb.Auth/RoleDelete"),
            Map.entry("/v3/auth/role/grant", "etcdserverpb.Auth/RoleGrantPermission"),
            Map.entry("/v3/auth/role/revoke", "etcdserverpb.Auth/RoleRevokePermission"),
            Map.entry("/v3/lock/lock", "v3lockpb.Lock/Lock"),
            Map.entry("/v3/lock/unlock", "v3lockpb.Lock/Unlock"),
            Map.entry("/v3/election/campaign", "v3electionpb.Election/Campaign"),
            Map.entry("/v3/election/proclaim", "v3electionpb.Election/Proclaim"),
            Map.entry("/v3/election/leader", "v3electionpb.Election/Leader"),
            Map.entry("/v3/election/observe", "v3electionpb.Election/Observe"),
            Map.entry("/v3/election/resign", "v3electionpb.Election/Resign"));
    Map<String, String> actual =
        gateway.paths().stream().collect(Collectors.toMap(p -> p, gateway::methodFor));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void putAnswersEtcdsJson() throws Exception {
    HttpResponse r = post("/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\",\"prev_kv\":true}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers())
        .isEqualTo(
            HttpHeaders.of(
                "Content-Type", "application/json",
                "Grpc-Metadata-Content-Type", "application/grpc"));
    // etcd 3.4.23: put with prev_kv.
    assertThat(RecordingSink.text(r))
        .isEqualTo(
            "{\"header\":"
                + HEADER_JSON
                + ",\"prev_kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
                + "\"version\":\"1\",\"value\":\"YmFy\"}}");
  }

  @Test
  void rangeAcceptsCamelCaseAndV3betaAndUsesOnlyTheFirstObject() throws Exception {
    HttpResponse r =
        post("/v3beta/kv/range", "{\"key\":\"Zm9v\",\"keysOnly\":true}{\"key\":\"YQ==\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(ranges).hasSize(1);
    assertThat(ranges.get(0).getKeysOnly()).isTrue();
    assertThat(RecordingSink.text(r))
        .isEqualTo(
            "{\"header\":"
                + HEADER_JSON
                + ",\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
                + "\"version\":\"2\"}],\"count\":\"1\"}");
  }

  @Test
  void base64PaddingIsNotEscaped() throws Exception {
    HttpResponse r = post("/v3/kv/range", "{\"key\":\"YQ==\"}");
    assertThat(RecordingSink.text(r)).contains("\"key\":\"YQ==\"");
  }

  @Test
  void emptyBodyIsAnEmptyRequest() throws Exception {
    HttpResponse r = post("/v3/kv/range", "");
    // etcd 3.4.23: {"error":"etcdserver: key is not provided",...,"code":3} with a trailer.
    assertThat(r.status()).isEqualTo(400);
    assertThat(RecordingSink.text(r))
        .isEqualTo(
            "{\"error\":\"etcdserver: key is not provided\",\"message\":\"etcdserver: key is not"
                + " provided\",\"code\":3}");
    assertThat(r.headers())
        .isEqualTo(
            HttpHeaders.of(
                "Content-Type", "application/json", "Trailer", "Grpc-Trailer-Content-Type"));
    assertThat(((HttpResponse.Full) r).trailers())
        .isEqualTo(HttpHeaders.of("Grpc-Trailer-Content-Type", "application/grpc"));
  }

  @Test
  void grpcErrorsMapToEtcdsHttpStatuses() throws Exception {
    HttpResponse future = post("/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":\"100\"}");
    assertThat(future.status()).isEqualTo(400);
    assertThat(RecordingSink.text(future))
        .isEqualTo(
            "{\"error\":\"etcdserver: mvcc: required revision is a future revision\",\"message\":"
                + "\"etcdserver: mvcc: required revision is a future revision\",\"code\":11}");
    HttpResponse notFound = post("/v3/lease/revoke", "{\"ID\":\"1234\"}");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(RecordingSink.text(notFound))
        .isEqualTo(
            "{\"error\":\"etcdserver: requested lease not found\",\"message\":\"etcdserver:"
                + " requested lease not found\",\"code\":5}");
    assertThat(GatewayStatus.httpStatus(Status.Code.FAILED_PRECONDITION)).isEqualTo(412);
    assertThat(GatewayStatus.httpStatus(Status.Code.PERMISSION_DENIED)).isEqualTo(403);
    assertThat(GatewayStatus.httpStatus(Status.Code.UNAUTHENTICATED)).isEqualTo(401);
  }

  @Test
  void badJsonIsInvalidArgumentWithGoDecoderText() throws Exception {
    HttpResponse r = post("/v3/kv/range", "{\"key\":");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.headers()).isEqualTo(HttpHeaders.of("Content-Type", "application/json"));
    assertThat(RecordingSink.text(r))
        .isEqualTo("{\"error\":\"unexpected EOF\",\"message\":\"unexpected EOF\",\"code\":3}");
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    assertThat(post("/v3/kv/range", "{\"key\":\"Zm9v\",\"bogus\":1}").status()).isEqualTo(200);
  }

  @Test
  void wrongMethodAndUnknownPath() throws Exception {
    HttpResponse get = gateway.handle(HttpRequest.of("GET", "/v3/kv/range")).get();
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isNull();
    assertThat(RecordingSink.text(get)).isEqualTo("Method Not Allowed\n");
    HttpResponse unknown = post("/v3/kv/nosuch", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(RecordingSink.text(unknown)).isEqualTo("Not Found\n");
    assertThat(gateway.methodFor("/v3alpha/kv/range")).isNull();
  }

  @Test
  void authorizationHeaderBecomesMetadata() throws Exception {
    gateway
        .handle(
            HttpRequest.of("POST", "/v3/kv/range")
                .withHeaders(HttpHeaders.of("Authorization", "AwwJpbxrLeuRdQUg.15"))
                .withBody("{\"key\":\"Zm9v\"}".getBytes(UTF_8)))
        .get(5, TimeUnit.SECONDS);
    assertThat(lastAuthorization.get()).isEqualTo("AwwJpbxrLeuRdQUg.15");
  }

  @Test
  void uint32IsANumber() throws Exception {
    assertThat(RecordingSink.text(post("/v3/maintenance/hash", "{}")))
        .isEqualTo("{\"header\":" + HEADER_JSON + ",\"hash\":4137420277}");
  }

  @Test
  void watchStreamsResultLines() throws Exception {
    HttpResponse r =
        post("/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\",\"start_revision\":\"1\"}}");
    assertThat(r).isInstanceOf(HttpResponse.Chunked.class);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    RecordingSink sink = new RecordingSink(false);
    ((HttpResponse.Chunked) r).body().start(sink);
    await().until(() -> sink.chunks.size() == 2);
    // etcd 3.4.23 answered these two lines to the same request.
    assertThat(sink.chunks)
        .containsExactly(
            "{\"result\":{\"header\":" + HEADER_JSON + ",\"created\":true}}\n",
            "{\"result\":{\"header\":"
                + HEADER_JSON
                + ",\"events\":[{\"kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\","
                + "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}},{\"kv\":{\"key\":"
                + "\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"3\",\"version\":\"2\","
                + "\"value\":\"YmFy\"}}]}}\n");
    ((HttpResponse.Chunked) r).body().cancel();
    watchCancelled.get(5, TimeUnit.SECONDS);
  }

  @Test
  void keepAliveSendsEveryObjectInTheBody() throws Exception {
    HttpResponse r = post("/v3/lease/keepalive", "{\"ID\":4660}{\"ID\":4660}\n{\"ID\":999}");
    RecordingSink sink = new RecordingSink(false);
    ((HttpResponse.Chunked) r).body().start(sink);
    sink.ended.get(5, TimeUnit.SECONDS);
    assertThat(sink.chunks)
        .containsExactly(
            "{\"result\":{\"header\":" + HEADER_JSON + ",\"ID\":\"4660\",\"TTL\":\"100\"}}\n",
            "{\"result\":{\"header\":" + HEADER_JSON + ",\"ID\":\"4660\",\"TTL\":\"100\"}}\n",
            "{\"result\":{\"header\":" + HEADER_JSON + ",\"ID\":\"999\"}}\n");
  }

  @Test
  void slowHttpClientHoldsBackTheGrpcStream() throws Exception {
    HttpResponse r = post("/v3/lease/keepalive", "{\"ID\":1}{\"ID\":2}{\"ID\":3}");
    RecordingSink sink = new RecordingSink(true);
    ((HttpResponse.Chunked) r).body().start(sink);
    await().until(() -> sink.chunks.size() == 1);
    assertThat(sink.chunks).hasSize(1);
    sink.pending.get(0).complete(null);
    await().until(() -> sink.chunks.size() == 2);
    sink.pending.get(1).complete(null);
    await().until(() -> sink.chunks.size() == 3);
    sink.pending.get(2).complete(null);
    sink.ended.get(5, TimeUnit.SECONDS);
  }

  @Test
  void undecodableStreamingBodyIsUnknown() throws Exception {
    HttpResponse r = post("/v3/watch", "garbage");
    // etcd 3.4.23: 500 with the Go decoder's message and code 2.
    assertThat(r.status()).isEqualTo(500);
    assertThat(RecordingSink.text(r))
        .isEqualTo(
            "{\"error\":\"invalid character 'g' looking for beginning of value\",\"message\":"
                + "\"invalid character 'g' looking for beginning of value\",\"code\":2}");
  }

  @Test
  void streamErrorAfterHeadersIsAnErrorChunk() throws Exception {
    HttpResponse r = post("/v3/watch", "{\"cancel_request\":{\"watch_id\":\"7\"}}");
    RecordingSink sink = new RecordingSink(false);
    ((HttpResponse.Chunked) r).body().start(sink);
    sink.ended.get(5, TimeUnit.SECONDS);
    assertThat(sink.chunks)
        .containsExactly(
            "{\"result\":{\"header\":" + HEADER_JSON + "}}\n",
            "{\"error\":{\"grpc_code\":9,\"http_code\":412,\"message\":\"boom\","
                + "\"http_status\":\"Precondition Failed\"}}");
  }

  private static KeyValue kv(long mod, long version, boolean value) {
    KeyValue.Builder b =
        KeyValue.newBuilder()
            .setKey(ByteString.copyFromUtf8("foo"))
            .setCreateRevision(2)
            .setModRevision(mod)
            .setVersion(version);
    if (value) {
      b.setValue(ByteString.copyFromUtf8("bar"));
    }
    return b.build();
  }

  private final class FakeKv extends KVGrpc.KVImplBase {
    @Override
    public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
      ranges.add(req);
      if (req.getKey().isEmpty()) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("etcdserver: key is not provided")
                .asException());
      } else if (req.getRevision() == 100) {
        out.onError(
            Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision is a future revision")
                .asException());
      } else {
        out.onNext(
            RangeResponse.newBuilder()
                .setHeader(HEADER)
                .addKvs(
                    req.getKeysOnly()
                        ? kv(3, 2, false)
                        : req.getKey().equals(ByteString.copyFromUtf8("a"))
                            ? kv(3, 2, false).toBuilder().setKey(req.getKey()).build()
                            : kv(3, 2, true))
                .setCount(1)
                .build());
        out.onCompleted();
      }
    }

    @Override
    public void put(PutRequest req, StreamObserver<PutResponse> out) {
      out.onNext(PutResponse.newBuilder().setHeader(HEADER).setPrevKv(kv(2, 1, true)).build());
      out.onCompleted();
    }
  }

  private final class FakeWatch extends WatchGrpc.WatchImplBase {
    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
      Context.current().addListener(c -> watchCancelled.complete(null), Runnable::run);
      return new StreamObserver<>() {
        @Override
        public void onNext(WatchRequest req) {
          if (req.hasCancelRequest()) {
            out.onNext(WatchResponse.newBuilder().setHeader(HEADER).build());
            out.onError(Status.FAILED_PRECONDITION.withDescription("boom").asException());
            return;
          }
          out.onNext(WatchResponse.newBuilder().setHeader(HEADER).setCreated(true).build());
          out.onNext(
              WatchResponse.newBuilder()
                  .setHeader(HEADER)
                  .addEvents(Event.newBuilder().setKv(kv(2, 1, true)))
                  .addEvents(Event.newBuilder().setKv(kv(3, 2, true)))
                  .build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          // Like etcd: the end of the client's messages does not end the watch stream.
        }
      };
    }
  }

  private static final class FakeLease extends LeaseGrpc.LeaseImplBase {
    @Override
    public void leaseRevoke(LeaseRevokeRequest req, StreamObserver<LeaseRevokeResponse> out) {
      out.onError(
          Status.NOT_FOUND.withDescription("etcdserver: requested lease not found").asException());
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
        StreamObserver<LeaseKeepAliveResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(LeaseKeepAliveRequest req) {
          LeaseKeepAliveResponse.Builder b =
              LeaseKeepAliveResponse.newBuilder().setHeader(HEADER).setID(req.getID());
          if (req.getID() == 4660) {
            b.setTTL(100);
          }
          out.onNext(b.build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  private static final class FakeMaintenance extends MaintenanceGrpc.MaintenanceImplBase {
    @Override
    public void hash(HashRequest req, StreamObserver<HashResponse> out) {
      out.onNext(HashResponse.newBuilder().setHeader(HEADER).setHash((int) 4137420277L).build());
      out.onCompleted();
    }
  }
}
