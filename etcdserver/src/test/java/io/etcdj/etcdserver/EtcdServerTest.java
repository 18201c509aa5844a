package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.membership.BootstrapException;
import io.etcdj.etcdserver.types.UrlsMap;
import io.etcdj.etcdserver.v3rpc.GrpcErrors;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.storage.wal.Wal;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node core without gRPC: bootstrap, timeouts, snapshots and restart (etcd server_test.go). */
class EtcdServerTest {
  @TempDir Path dir;
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

  @AfterEach
  void shutdown() {
    scheduler.shutdownNow();
  }

  EtcdServerConfig.Builder config() {
    return EtcdServerConfig.builder("n1", dir, scheduler).tickMs(10).electionTicks(10);
  }

  static InternalRaftRequest put(String k, String v) {
    return InternalRaftRequest.newBuilder()
        .setPut(
            PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(k))
                .setValue(ByteString.copyFromUtf8(v)))
        .build();
  }

  @Test
  void bootstrapComputesEtcdsMemberAndClusterIdsAndWritesTheWal() throws Exception {
    EtcdServer s =
        EtcdServer.start(
            config().initialCluster(UrlsMap.parse("n1=http://127.0.0.1:2380")).build());
    try {
      s.readyFuture().get(10, TimeUnit.SECONDS);
      // Member.computeId / RaftCluster.clusterIdOf are checked against real etcd elsewhere; here
      // the server must use them for its own IDs.
      long expected =
          io.etcdj.etcdserver.membership.Member.computeId(
              java.util.List.of("http://127.0.0.1:2380"), "etcd-cluster", null);
      assertThat(s.memberId()).isEqualTo(expected);
      assertThat(s.cluster().member(s.memberId()).orElseThrow().clientUrls())
          .containsExactly("http://localhost:2379");
      assertThat(s.isLeader()).isTrue();
      assertThat(Wal.exists(dir.resolve("member/wal"))).isTrue();
    } finally {
      s.stop();
    }
  }

  @Test
  void aNameMissingFromTheInitialClusterIsRefused() {
    assertThatThrownBy(
            () ->
                EtcdServer.start(
                    config().initialCluster(UrlsMap.parse("other=http://127.0.0.1:2380")).build()))
        .isInstanceOf(BootstrapException.class)
        .hasMessage("couldn't find local name \"n1\" in the initial cluster configuration");
  }

  @Test
  void aProposalWithoutALeaderTimesOutWithEtcdsText() throws Exception {
    // Two founding members, the other never started: no quorum, no leader.
    EtcdServer s =
        EtcdServer.start(
            config()
                .initialCluster(UrlsMap.parse("n1=http://127.0.0.1:2380,n2=http://127.0.0.1:2381"))
                .build());
    try {
      assertThatThrownBy(() -> s.propose(put("k", "v")).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(EtcdServerException.class)
          .cause()
          .hasMessage("etcdserver: request timed out");
      Throwable err = s.linearizableReadNotify().handle((v, e) -> e).get(30, TimeUnit.SECONDS);
      Status st = GrpcErrors.toStatus(err);
      assertThat(st.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(st.getDescription()).isEqualTo("etcdserver: request timed out");
    } finally {
      s.stop();
    }
  }

  @Test
  void snapshotsEverySnapshotCountAndRestartsFromTheSnapshotAndWal() throws Exception {
    EtcdServerConfig cfg = config().snapshotCount(10).build();
    EtcdServer s = EtcdServer.start(cfg);
    long lastRev;
    try {
      s.readyFuture().get(10, TimeUnit.SECONDS);
      long rev = 0;
      for (int i = 0; i < 35; i++) {
        PutResponse p = (PutResponse) s.propose(put("k" + (i % 5), "v" + i)).get().response();
        rev = p.getHeader().getRevision();
      }
      lastRev = rev;
    } finally {
      s.stop();
    }
    try (Stream<Path> snaps = Files.list(dir.resolve("member/snap"))) {
      assertThat(snaps.filter(p -> p.toString().endsWith(".snap"))).isNotEmpty();
    }
    EtcdServer again = EtcdServer.start(cfg);
    try {
      again.readyFuture().get(10, TimeUnit.SECONDS);
      RangeResponse r =
          again.range(
              RangeRequest.newBuilder()
                  .setKey(ByteString.copyFromUtf8("k"))
                  .setRangeEnd(ByteString.copyFromUtf8("l"))
                  .build());
      assertThat(r.getCount()).isEqualTo(5);
      assertThat(r.getHeader().getRevision()).isEqualTo(lastRev);
      assertThat(r.getKvs(4).getValue().toStringUtf8()).isEqualTo("v34");
      assertThat(again.cluster().members()).hasSize(1);
      PutResponse p = (PutResponse) again.propose(put("z", "z")).get().response();
      assertThat(p.getHeader().getRevision()).isEqualTo(lastRev + 1);
    } finally {
      again.stop();
    }
  }
}
