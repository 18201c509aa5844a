package io.etcdj.etcdserver.v3rpc;

import static io.etcdj.etcdserver.v3rpc.KvServerTest.bs;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.etcdserver.HousekeepingConfig;
import io.etcdj.etcdserver.v3rpc.NodeBehaviourTest.Recorder;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchProgressRequest;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background duties on one in-process member over grpc-java: periodic watch progress (etcd
 * integration TestWatchWithProgressNotify), 3.4.45's watch creation fixes, and lease checkpoints
 * surviving a restart (etcd TestLeaseCheckpointPersist-like).
 */
class HousekeepingNodeTest {
  @TempDir Path dir;
  NodeFixture node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  NodeFixture start(HousekeepingConfig hk) throws Exception {
    node = new NodeFixture(dir);
    return node.start(node.config().housekeeping(hk).build());
  }

  long put(String k, String v) {
    return node.kv()
        .put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build())
        .getHeader()
        .getRevision();
  }

  static WatchRequest create(WatchCreateRequest.Builder c) {
    return WatchRequest.newBuilder().setCreateRequest(c).build();
  }

  @Test
  void aProgressNotifyWatcherIsToldTheCurrentRevisionEveryInterval() throws Exception {
    start(HousekeepingConfig.DEFAULT.withWatchProgressNotifyInterval(Duration.ofMillis(200)));
    long rev = put("other", "1");
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("w")).setProgressNotify(true)));
    WatchResponse created = rec.next();
    assertThat(created.getCreated()).isTrue();
    WatchResponse progress = rec.next();
    assertThat(progress.getWatchId()).isEqualTo(created.getWatchId());
    assertThat(progress.getEventsCount()).isZero();
    assertThat(progress.getHeader().getRevision()).isEqualTo(rev);
    req.onCompleted();
  }

  @Test
  void aWatcherWithoutProgressNotifyGetsNoPeriodicNotification() throws Exception {
    start(HousekeepingConfig.DEFAULT.withWatchProgressNotifyInterval(Duration.ofMillis(100)));
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("w"))));
    assertThat(rec.next().getCreated()).isTrue();
    assertThat(rec.got.poll(500, TimeUnit.MILLISECONDS)).isNull();
    req.onCompleted();
  }

  @Test
  void aProgressRequestRightAfterCreatingAWatcherIsAnswered() throws Exception {
    start(HousekeepingConfig.DEFAULT);
    long rev = put("k", "1");
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("w"))));
    assertThat(rec.next().getHeader().getRevision()).isEqualTo(rev);
    req.onNext(
        WatchRequest.newBuilder()
            .setProgressRequest(WatchProgressRequest.getDefaultInstance())
            .build());
    WatchResponse p = rec.next();
    assertThat(p.getWatchId()).isEqualTo(-1);
    assertThat(p.getHeader().getRevision()).isEqualTo(rev);
    req.onCompleted();
  }

  @Test
  void aNegativeStartRevisionIsRefusedAsCompacted() throws Exception {
    start(HousekeepingConfig.DEFAULT);
    Recorder<WatchResponse> rec = new Recorder<>();
    StreamObserver<WatchRequest> req = node.watch().watch(rec);
    req.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("w")).setStartRevision(-1)));
    WatchResponse r = rec.next();
    assertThat(r.getWatchId()).isEqualTo(-1);
    assertThat(r.getCreated()).isTrue();
    assertThat(r.getCanceled()).isTrue();
    assertThat(r.getCancelReason())
        .isEqualTo("etcdserver: mvcc: required revision has been compacted");
    req.onCompleted();
  }

  @Test
  void persistedLeaseCheckpointsKeepTheRemainingTtlAcrossARestart() throws Exception {
    HousekeepingConfig hk =
        HousekeepingConfig.DEFAULT
            .withLeaseCheckpoint(true, true, Duration.ofSeconds(1))
            .withCorruptCheck(true, Duration.ZERO);
    start(hk);
    long id = node.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();
    // The lessor checkpoints every second; wait until one has been applied.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> node.server.store().lessor().lookup(id).remainingTtl() <= 28);
    node.stopMember();
    EtcdServerConfig cfg = node.config().housekeeping(hk).build();
    node.start(cfg); // also runs the initial corruption check of a restarted member
    long ttl =
        node.lease()
            .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
            .getTTL();
    assertThat(ttl).isBetween(1L, 28L);
  }
}
