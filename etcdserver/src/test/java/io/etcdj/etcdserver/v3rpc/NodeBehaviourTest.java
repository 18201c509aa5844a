package io.etcdj.etcdserver.v3rpc;

import static io.etcdj.etcdserver.v3rpc.KvServerTest.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.HashKVRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrantResponse;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.proto.etcdserverpb.LeaseLeasesRequest;
import io.etcdj.proto.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveResponse;
import io.etcdj.proto.etcdserverpb.MemberListRequest;
import io.etcdj.proto.etcdserverpb.MemberListResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.StatusRequest;
import io.etcdj.proto.etcdserverpb.StatusResponse;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.WatchCancelRequest;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.etcdj.proto.mvccpb.Event;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch, lease, compaction, request errors, maintenance and restart over grpc-java against one
 * in-process member (etcd's integration v3_watch_test.go, v3_lease_test.go, v3_grpc_test.go
 * TestV3PutOverwrite/TestV3TxnTooManyOps/TestV3TxnDuplicateKeys/TestV3LargeRequests).
 */
class NodeBehaviourTest {
  @TempDir Path dir;
  NodeFixture node;

  @BeforeEach
  void start() throws Exception {
    node = new NodeFixture(dir).start();
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  long put(String k, String v) {
    return node.kv()
        .put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build())
        .getHeader()
        .getRevision();
  }

  static void assertStatus(Runnable call, Status.Code code, String text) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(text);
            });
  }

  @Test
  void requestErrorsCarryEtcdsCodesAndTexts() {
    assertStatus(
        () -> node.kv().put(PutRequest.newBuilder().setValue(bs("v")).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: key is not provided");
    assertStatus(
        () -> node.kv().range(RangeRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: key is not provided");
    TxnRequest.Builder tooMany = TxnRequest.newBuilder();
    for (int i = 0; i < 129; i++) {
      tooMany.addSuccess(
          RequestOp.newBuilder()
              .setRequestPut(PutRequest.newBuilder().setKey(bs("k" + i)).setValue(bs("v"))));
    }
    assertStatus(
        () -> node.kv().txn(tooMany.build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: too many operations in txn request");
    RequestOp dup =
        RequestOp.newBuilder()
            .setRequestPut(PutRequest.newBuilder().setKey(bs("d")).setValue(bs("v")))
            .build();
    assertStatus(
        () -> node.kv().txn(TxnRequest.newBuilder().addSuccess(dup).addSuccess(dup).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: duplicate key given in txn request");
    assertStatus(
        () ->
            node.kv()
                .put(
                    PutRequest.newBuilder()
                        .setKey(bs("big"))
                        .setValue(com.google.protobuf.ByteString.copyFrom(new byte[1536 * 1024]))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: request is too large");
    assertStatus(
        () ->
            node.kv()
                .put(
                    PutRequest.newBuilder()
                        .setKey(bs("k"))
                        .setValue(bs("v"))
                        .setLease(12345)
                        .build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
    assertStatus(
        () ->
            node.kv().put(PutRequest.newBuilder().setKey(bs("nokey")).setIgnoreValue(true).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: key not found");
    assertStatus(
        () -> node.kv().range(RangeRequest.newBuilder().setKey(bs("k")).setRevision(100).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision is a future revision");
  }

  @Test
  void compactionMakesOldRevisionsUnreadable() {
    put("c", "1");
    long rev = put("c", "2");
    put("c", "3");
    node.kv().compact(CompactionRequest.newBuilder().setRevision(rev).setPhysical(true).build());
    assertStatus(
        () ->
            node.kv().range(RangeRequest.newBuilder().setKey(bs("c")).setRevision(rev - 1).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision has been compacted");
    RangeResponse atRev =
        node.kv().range(RangeRequest.newBuilder().setKey(bs("c")).setRevision(rev).build());
    assertThat(atRev.getKvs(0).getValue()).isEqualTo(bs("2"));
    assertStatus(
        () -> node.kv().compact(CompactionRequest.newBuilder().setRevision(rev).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision has been compacted");
    assertThat(node.maintenance().hashKV(HashKVRequest.getDefaultInstance()).getCompactRevision())
        .isEqualTo(rev);
  }

  static final class Recorder<T> implements StreamObserver<T> {
    final BlockingQueue<T> got = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T v) {
      got.add(v);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    T next() throws InterruptedException {
      T v = got.poll(10, TimeUnit.SECONDS);
      assertThat(v).as("a response within 10 s").isNotNull();
      return v;
    }
  }

  @Test
  void watchStreamsEventsWithPrevKvFromAStartRevisionAndCancels() throws Exception {
    long first = put("w/a", "1");
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder()
                    .setKey(bs("w/"))
                    .setRangeEnd(bs("w0"))
                    .setStartRevision(first)
                    .setPrevKv(true))
            .build());
    WatchResponse created = rec.next();
    assertThat(created.getCreated()).isTrue();
    long id = created.getWatchId();
    assertThat(created.getHeader().getMemberId()).isEqualTo(node.server.memberId());

    WatchResponse history = rec.next();
    assertThat(history.getEvents(0).getKv().getKey()).isEqualTo(bs("w/a"));
    assertThat(history.getEvents(0).getType()).isEqualTo(Event.EventType.PUT);

    put("w/a", "2");
    WatchResponse live = rec.next();
    assertThat(live.getWatchId()).isEqualTo(id);
    assertThat(live.getEvents(0).getKv().getValue()).isEqualTo(bs("2"));
    assertThat(live.getEvents(0).getPrevKv().getValue()).isEqualTo(bs("1"));

    node.kv()
        .deleteRange(
            io.etcdj.proto.etcdserverpb.DeleteRangeRequest.newBuilder().setKey(bs("w/a")).build());
    WatchResponse del = rec.next();
    assertThat(del.getEvents(0).getType()).isEqualTo(Event.EventType.DELETE);

    req.onNext(
        WatchRequest.newBuilder()
            .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id))
            .build());
    WatchResponse canceled = rec.next();
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getWatchId()).isEqualTo(id);
    req.onCompleted();
  }

  @Test
  void watchFromACompactedRevisionIsCanceledWithTheCompactRevision() throws Exception {
    put("x", "1");
    long rev = put("x", "2");
    put("x", "3");
    node.kv().compact(CompactionRequest.newBuilder().setRevision(rev).setPhysical(true).build());
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs("x")).setStartRevision(1))
            .build());
    assertThat(rec.next().getCreated()).isTrue();
    WatchResponse compacted = rec.next();
    assertThat(compacted.getCanceled()).isTrue();
    assertThat(compacted.getCompactRevision()).isEqualTo(rev);
    req.onCompleted();
  }

  /** Keys are bytes, not text: TimeToLive gives back exactly the bytes attached. */
  @Test
  void leaseTimeToLiveKeepsBinaryKeys() throws Exception {
    LeaseGrantResponse g =
        node.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build());
    com.google.protobuf.ByteString key =
        com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, 0, (byte) 0xc3, 'k'});
    node.kv()
        .put(PutRequest.newBuilder().setKey(key).setValue(bs("v")).setLease(g.getID()).build());
    LeaseTimeToLiveResponse ttl =
        node.lease()
            .leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).setKeys(true).build());
    assertThat(ttl.getKeysList()).containsExactly(key);
  }

  @Test
  void leaseGrantAttachTimeToLiveKeepAliveAndRevoke() throws Exception {
    LeaseGrantResponse g =
        node.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build());
    assertThat(g.getID()).isPositive();
    assertThat(g.getTTL()).isEqualTo(60);
    node.kv()
        .put(PutRequest.newBuilder().setKey(bs("l")).setValue(bs("v")).setLease(g.getID()).build());

    LeaseTimeToLiveResponse ttl =
        node.lease()
            .leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).setKeys(true).build());
    assertThat(ttl.getGrantedTTL()).isEqualTo(60);
    assertThat(ttl.getTTL()).isBetween(1L, 60L);
    assertThat(ttl.getKeysList()).containsExactly(bs("l"));
    assertThat(node.lease().leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesCount())
        .isEqualTo(1);

    Recorder<LeaseKeepAliveResponse> rec = new Recorder<>();
    StreamObserver<LeaseKeepAliveRequest> ka = node.leaseAsync().leaseKeepAlive(rec);
    ka.onNext(LeaseKeepAliveRequest.newBuilder().setID(g.getID()).build());
    LeaseKeepAliveResponse kr = rec.next();
    assertThat(kr.getID()).isEqualTo(g.getID());
    assertThat(kr.getTTL()).isEqualTo(60);
    ka.onNext(LeaseKeepAliveRequest.newBuilder().setID(999).build());
    assertThat(rec.next().getTTL()).isZero();
    ka.onCompleted();

    node.lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(g.getID()).build());
    assertThat(node.kv().range(RangeRequest.newBuilder().setKey(bs("l")).build()).getCount())
        .isZero();
    assertThat(
            node.lease()
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).build())
                .getTTL())
        .isEqualTo(-1);
    assertStatus(
        () -> node.lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(g.getID()).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
  }

  @Test
  void statusAndMemberListDescribeTheSingleMember() {
    StatusResponse s = node.maintenance().status(StatusRequest.getDefaultInstance());
    assertThat(s.getLeader()).isEqualTo(node.server.memberId());
    assertThat(s.getVersion()).isEqualTo("3.4.31");
    assertThat(s.getRaftAppliedIndex()).isPositive();
    assertThat(s.getDbSize()).isPositive();
    MemberListResponse ml = node.cluster().memberList(MemberListRequest.getDefaultInstance());
    assertThat(ml.getMembersCount()).isEqualTo(1);
    assertThat(ml.getMembers(0).getName()).isEqualTo("n1");
    assertThat(ml.getMembers(0).getPeerURLsList()).containsExactly("http://localhost:2380");
    assertThat(ml.getMembers(0).getClientURLsList()).containsExactly("http://localhost:2379");
    assertThat(ml.getHeader().getClusterId()).isEqualTo(node.server.clusterId());
  }

  @Test
  void restartFromTheDataDirKeepsKeysAndRevisionsAndAppliesNothingTwice() throws Exception {
    long memberId = node.server.memberId();
    long clusterId = node.server.clusterId();
    put("r1", "a");
    put("r2", "b");
    long rev = put("r1", "c");
    long applied = node.server.appliedIndex();
    node.stopMember();

    node.start(
        node.config()
            .initialCluster(io.etcdj.etcdserver.types.UrlsMap.parse("other=http://127.0.0.1:1"))
            .build());
    assertThat(node.server.memberId()).isEqualTo(memberId);
    assertThat(node.server.clusterId()).isEqualTo(clusterId);
    RangeResponse r =
        node.kv().range(RangeRequest.newBuilder().setKey(bs("r")).setRangeEnd(bs("s")).build());
    assertThat(r.getHeader().getRevision()).isEqualTo(rev);
    assertThat(r.getKvsList())
        .extracting(kv -> kv.getValue().toStringUtf8())
        .containsExactly("c", "b");
    assertThat(r.getKvs(0).getVersion()).isEqualTo(2);
    assertThat(node.server.appliedIndex()).isGreaterThan(applied);
    assertThat(put("r3", "d")).isEqualTo(rev + 1);
    assertThat(node.cluster().memberList(MemberListRequest.getDefaultInstance()).getMembersCount())
        .isEqualTo(1);
  }

  @Test
  void anExpiredLeaseIsRevokedThroughRaftAndItsKeysDeleted() {
    LeaseGrantResponse g =
        node.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(1).build());
    node.kv()
        .put(PutRequest.newBuilder().setKey(bs("e")).setValue(bs("v")).setLease(g.getID()).build());
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                node.kv().range(RangeRequest.newBuilder().setKey(bs("e")).build()).getCount() == 0);
    assertThat(
            node.lease()
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).build())
                .getTTL())
        .isEqualTo(-1);
  }

  @Test
  void aProgressRequestAnswersWithTheCurrentRevisionAndNoWatchId() throws Exception {
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs("p")))
            .build());
    assertThat(rec.next().getCreated()).isTrue();
    long rev = put("q", "1");
    req.onNext(
        WatchRequest.newBuilder()
            .setProgressRequest(
                io.etcdj.proto.etcdserverpb.WatchProgressRequest.getDefaultInstance())
            .build());
    WatchResponse progress = rec.next();
    assertThat(progress.getWatchId()).isEqualTo(-1);
    assertThat(progress.getEventsCount()).isZero();
    assertThat(progress.getHeader().getRevision()).isEqualTo(rev);
    req.onCompleted();
  }
}
