package io.etcdj.etcdserver.v3lock;

import static io.etcdj.etcdserver.concurrency.SelfNode.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.etcdj.etcdserver.concurrency.SelfNode;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.etcdj.proto.v3lockpb.LockRequest;
import io.etcdj.proto.v3lockpb.LockResponse;
import io.etcdj.proto.v3lockpb.UnlockRequest;
import io.etcdj.proto.v3lockpb.UnlockResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lock service over loopback gRPC (etcd's {@code v3lock/lock.go}; covers what {@code
 * integration/v3lock_test.go TestV3LockLockWaitOrder}-style checks do): the waiter key and its
 * lease, contention in create-revision order, release by unlock, lease expiry or cancellation.
 */
class LockServerTest {
  @TempDir Path dir;
  SelfNode node;

  @BeforeEach
  void start() throws Exception {
    node = new SelfNode(dir);
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  private LockResponse lock(String name, long lease) {
    return node.lock().lock(LockRequest.newBuilder().setName(bs(name)).setLease(lease).build());
  }

  private ListenableFuture<LockResponse> lockAsync(String name, long lease) {
    return node.lockAsync()
        .lock(LockRequest.newBuilder().setName(bs(name)).setLease(lease).build());
  }

  private UnlockResponse unlock(LockResponse held) {
    return node.lock().unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build());
  }

  @Test
  void anUncontendedLockAnswersAtOnceWithItsKeyOnTheLease() {
    long lease = node.grant(60);
    LockResponse r = lock("mylock", lease);
    assertThat(r.getKey().toStringUtf8()).isEqualTo("mylock/" + Long.toHexString(lease));
    KeyValue kv = node.get(r.getKey()).getKvs(0);
    assertThat(kv.getLease()).isEqualTo(lease);
    assertThat(kv.getValue().isEmpty()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(kv.getCreateRevision());
    assertThat(r.getHeader().getMemberId()).isEqualTo(node.server.memberId());
    assertThat(r.getHeader().getClusterId()).isEqualTo(node.server.clusterId());
  }

  @Test
  void lockingAgainOnTheSameLeaseReturnsTheKeyItAlreadyHolds() {
    long lease = node.grant(60);
    LockResponse first = lock("l", lease);
    LockResponse again = lock("l", lease);
    assertThat(again.getKey()).isEqualTo(first.getKey());
    assertThat(node.get(first.getKey()).getKvs(0).getVersion()).isEqualTo(1);
  }

  @Test
  void aSecondLockerWaitsUntilTheFirstUnlocks() throws Exception {
    LockResponse held = lock("l", node.grant(60));
    long second = node.grant(60);
    ListenableFuture<LockResponse> waiting = lockAsync("l", second);
    String waiterKey = "l/" + Long.toHexString(second);
    await().atMost(Duration.ofSeconds(10)).until(() -> node.get(bs(waiterKey)).getCount() == 1);
    assertThat(waiting.isDone()).isFalse();

    UnlockResponse u = unlock(held);
    LockResponse got = waiting.get(10, TimeUnit.SECONDS);
    assertThat(got.getKey().toStringUtf8()).isEqualTo(waiterKey);
    assertThat(got.getHeader().getRevision()).isEqualTo(u.getHeader().getRevision());
    assertThat(node.get(held.getKey()).getCount()).isZero();
  }

  @Test
  void waitersGetTheLockInTheOrderTheyQueued() throws Exception {
    LockResponse held = lock("q", node.grant(60));
    ListenableFuture<LockResponse> second = lockAsync("q", node.grant(60));
    await().until(() -> node.getPrefix(bs("q/")).getCount() == 2);
    ListenableFuture<LockResponse> third = lockAsync("q", node.grant(60));
    await().until(() -> node.getPrefix(bs("q/")).getCount() == 3);

    unlock(held);
    LockResponse s = second.get(10, TimeUnit.SECONDS);
    assertThat(third.isDone()).isFalse();
    unlock(s);
    assertThat(third.get(10, TimeUnit.SECONDS).getKey()).isNotEqualTo(s.getKey());
  }

  @Test
  void aSecondLockerGetsTheLockWhenTheHoldersLeaseExpires() throws Exception {
    LockResponse held = lock("exp", node.grant(1));
    ListenableFuture<LockResponse> waiting = lockAsync("exp", node.grant(60));
    LockResponse got = waiting.get(15, TimeUnit.SECONDS);
    assertThat(got.getKey()).isNotEqualTo(held.getKey());
    assertThat(node.get(held.getKey()).getCount()).isZero();
  }

  @Test
  void aCancelledWaiterRemovesItsKey() throws Exception {
    LockResponse held = lock("c", node.grant(60));
    long lease = node.grant(60);
    String waiterKey = "c/" + Long.toHexString(lease);
    Context.CancellableContext ctx = Context.current().withCancellation();
    ListenableFuture<LockResponse> waiting = ctx.call(() -> lockAsync("c", lease));
    await().until(() -> node.get(bs(waiterKey)).getCount() == 1);
    ctx.cancel(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> node.get(bs(waiterKey)).getCount() == 0);
    assertThat(waiting.isCancelled() || waiting.isDone()).isTrue();
    assertThat(node.get(held.getKey()).getCount()).isEqualTo(1);
  }

  @Test
  void aLockWithoutALeaseGetsAFreshSixtySecondLease() {
    LockResponse r = lock("nolease", 0);
    long lease = node.get(r.getKey()).getKvs(0).getLease();
    assertThat(lease).isNotZero();
    assertThat(r.getKey().toStringUtf8()).isEqualTo("nolease/" + Long.toHexString(lease));
    assertThat(
            LeaseGrpc.newBlockingStub(node.channel)
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).build())
                .getGrantedTTL())
        .isEqualTo(60);
  }

  @Test
  void aLockOnAnUnknownLeaseFailsWithCodeUnknownAndEtcdsText() {
    // etcd 3.4.23 answers {"error":"etcdserver: requested lease not found",...,"code":2}.
    assertThatThrownBy(() -> lock("l", 12345))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("etcdserver: requested lease not found");
            });
  }

  @Test
  void unlockDeletesTheKeyAndAnswersWithTheDeleteHeader() {
    LockResponse held = lock("u", node.grant(60));
    UnlockResponse u = unlock(held);
    assertThat(u.getHeader().getRevision()).isEqualTo(held.getHeader().getRevision() + 1);
    assertThat(node.get(held.getKey()).getCount()).isZero();
    // Unlocking what is not held is not an error (a delete of nothing).
    assertThat(unlock(held).getHeader().getRevision()).isEqualTo(u.getHeader().getRevision());
  }

  @Test
  void theServiceIsTheOneEtcdRegisters() {
    assertThat(LockGrpc.SERVICE_NAME).isEqualTo("v3lockpb.Lock");
  }
}
