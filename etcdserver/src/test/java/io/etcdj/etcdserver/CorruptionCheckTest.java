package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.mvcc.KvHash;
import io.etcdj.storage.node.NodeStore;
import io.etcdj.storage.node.NodeStoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd's corruption checks (etcdserver/corrupt.go) on a real store with scripted peers. */
class CorruptionCheckTest {
  @TempDir Path dir;
  NodeStore store;
  List<CorruptionCheck.PeerHash> peers = List.of();
  final List<AlarmRequest> alarms = new ArrayList<>();

  @BeforeEach
  void open() {
    store =
        NodeStore.open(
            NodeStoreConfig.builder(BackendConfig.builder(dir.resolve("db")).build()).build());
  }

  @AfterEach
  void close() {
    store.close();
  }

  CorruptionCheck check() {
    return new CorruptionCheck(
        0x8e9e05c52164694dL,
        store,
        rev -> peers,
        () -> CompletableFuture.completedFuture(null),
        alarms::add);
  }

  KvHash local() throws Exception {
    return store.hashKv(0);
  }

  static CorruptionCheck.PeerHash peer(KvHash h) {
    return new CorruptionCheck.PeerHash(2, List.of("http://127.0.0.1:1"), h, null);
  }

  @Test
  void aSingleMemberPassesTheInitialCheck() throws Exception {
    check().checkInitial(Duration.ofSeconds(5));
  }

  @Test
  void aPeerWithTheSameCompactionButAnotherHashFailsTheInitialCheck() throws Exception {
    KvHash h = local();
    peers = List.of(peer(new KvHash(h.hash() + 1, h.currentRev(), h.compactRev())));
    assertThatThrownBy(() -> check().checkInitial(Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessage("8e9e05c52164694d found data inconsistency with peers");
  }

  @Test
  void aPeerWithAnotherCompactionIsOnlyWarnedAbout() throws Exception {
    KvHash h = local();
    peers = List.of(peer(new KvHash(h.hash() + 1, h.currentRev(), h.compactRev() + 1)));
    check().checkInitial(Duration.ofSeconds(5));
  }

  @Test
  void aSingleMembersPeriodicCheckRaisesNoAlarm() {
    check().checkHashKv(MoreExecutors.directExecutor()).join();
    assertThat(alarms).isEmpty();
  }

  @Test
  void aFollowerAheadOfTheLeaderRaisesOneCorruptAlarmForMemberZero() throws Exception {
    KvHash h = local();
    peers =
        List.of(
            peer(new KvHash(h.hash(), h.currentRev() + 1, h.compactRev())),
            peer(new KvHash(h.hash() + 1, h.currentRev(), h.compactRev())));
    check().checkHashKv(MoreExecutors.directExecutor()).join();
    assertThat(alarms)
        .containsExactly(
            AlarmRequest.newBuilder()
                .setMemberID(0)
                .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setAlarm(AlarmType.CORRUPT)
                .build());
  }

  @Test
  void aMatchingFollowerRaisesNoAlarm() throws Exception {
    peers = List.of(peer(local()));
    check().checkHashKv(MoreExecutors.directExecutor()).join();
    assertThat(alarms).isEmpty();
  }
}
