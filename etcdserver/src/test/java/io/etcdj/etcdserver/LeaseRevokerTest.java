package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Revoking expired leases as etcd's {@code revokeExpiredLeases} (server.go): bounded in flight, and
 * dropped by a member that no longer leads (etcd 3.4.31, issue 15247).
 */
class LeaseRevokerTest {
  static final long SELF = 0xabcL;

  final List<Long> proposed = new ArrayList<>();
  final List<CompletableFuture<Void>> pending = new ArrayList<>();

  CompletableFuture<?> revokeOne(long id) {
    proposed.add(id);
    CompletableFuture<Void> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }

  LeaseRevoker revoker(boolean leading) {
    return new LeaseRevoker(
        SELF, () -> CompletableFuture.completedFuture(leading), this::revokeOne, () -> false);
  }

  static List<Long> ids(int n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  @Test
  void aLeaderRevokesAtMostSixteenLeasesOfABatchAtATime() {
    revoker(true).revoke(ids(40));
    assertThat(proposed).hasSize(LeaseRevoker.MAX_PENDING_REVOKES);
    pending.get(0).complete(null);
    assertThat(proposed).hasSize(17).last().isEqualTo(17L);
    // A failed revoke frees its slot too (etcd logs "failed to revoke lease").
    pending
        .get(1)
        .completeExceptionally(new IllegalStateException("etcdserver: request timed out"));
    assertThat(proposed).hasSize(18);
    for (int i = 2; i < 40; i++) {
      pending.get(i).complete(null);
    }
    assertThat(proposed).isEqualTo(ids(40));
  }

  @Test
  void aMemberThatNoLongerLeadsDropsTheBatch() {
    revoker(false).revoke(ids(3));
    assertThat(proposed).isEmpty();
  }

  @Test
  void revokingStopsWhenTheServerStops() {
    boolean[] stopping = {false};
    new LeaseRevoker(
            SELF, () -> CompletableFuture.completedFuture(true), this::revokeOne, () -> stopping[0])
        .revoke(ids(20));
    stopping[0] = true;
    pending.get(0).complete(null);
    assertThat(proposed).hasSize(16);
  }

  // ---- LeadershipCheck (etcd ensureLeadership / isActive) ----

  long now = 1_000_000_000L;
  long lastTick = now;
  long lead = SELF;
  final AtomicInteger reads = new AtomicInteger();
  CompletableFuture<Void> read = CompletableFuture.completedFuture(null);

  LeadershipCheck check() {
    return new LeadershipCheck(
        SELF,
        () -> lastTick,
        () -> now,
        100,
        () -> {
          reads.incrementAndGet();
          return read;
        },
        () -> lead);
  }

  @Test
  void aLoopThatTickedWithinThreeHeartbeatsIsTrustedWithoutARead() {
    now = lastTick + Duration.ofMillis(299).toNanos();
    lead = 0; // would fail the read path
    assertThat(check().ensure().join()).isTrue();
    assertThat(reads).hasValue(0);
  }

  @Test
  void aStuckLoopConfirmsLeadershipWithALinearizableRead() {
    now = lastTick + Duration.ofMillis(300).toNanos();
    assertThat(check().ensure().join()).isTrue();
    assertThat(reads).hasValue(1);
  }

  @Test
  void aStuckLoopThatLostLeadershipIsNotTheLeader() {
    now = lastTick + Duration.ofSeconds(5).toNanos();
    lead = 0x123L;
    assertThat(check().ensure().join()).isFalse();
  }

  @Test
  void aFailedReadMeansNotTheLeader() {
    now = lastTick + Duration.ofSeconds(5).toNanos();
    read =
        CompletableFuture.failedFuture(new IllegalStateException("etcdserver: request timed out"));
    assertThat(check().ensure().join()).isFalse();
  }
}
