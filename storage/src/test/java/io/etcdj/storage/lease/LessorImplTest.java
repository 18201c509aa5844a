package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.etcdserverpb.LeaseCheckpoint;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code lessor} ({@code lease/lessor_test.go}), driven by a fake clock. */
class LessorImplTest {
  private static final long MIN_TTL = 5;

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final MemoryLeaseBucket bucket = new MemoryLeaseBucket(log);
  private final FakeNanoClock clock = new FakeNanoClock();
  private final List<LessorImpl> opened = new ArrayList<>();

  private LessorImpl newLessor(LessorConfig config) {
    LessorImpl le = new LessorImpl(bucket, config, clock);
    opened.add(le);
    return le;
  }

  private LessorImpl newLessor() {
    return newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL));
  }

  @AfterEach
  void closeLessors() {
    opened.forEach(LessorImpl::close);
  }

  private static List<LeaseItem> items(String... keys) {
    List<LeaseItem> out = new ArrayList<>();
    for (String k : keys) {
      out.add(new LeaseItem(k));
    }
    return out;
  }

  // --- grant -----------------------------------------------------------------------------------

  /** TestLessorGrant. */
  @Test
  void grantRaisesTtlToMinimumAndPersistsLease() throws Exception {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);

    Lease l = le.grant(1, 1);

    assertThat(l.ttl()).isEqualTo(MIN_TTL);
    assertThat(le.lookup(1)).isSameAs(l);
    assertThat(l.remaining()).isEqualTo(Duration.ofSeconds(MIN_TTL));
    io.etcdj.proto.leasepb.Lease stored = bucket.get(1);
    assertThat(stored.getID()).isEqualTo(1);
    assertThat(stored.getTTL()).isEqualTo(MIN_TTL);
    assertThat(stored.getRemainingTTL()).isZero();
  }

  @Test
  void grantKeepsTtlAboveMinimum() throws Exception {
    LessorImpl le = newLessor();
    assertThat(le.grant(7, 60).ttl()).isEqualTo(60);
  }

  /** TestLessorGrant: the same ID cannot be granted twice. */
  @Test
  void grantOfExistingIdFailsWithLeaseAlreadyExists() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 10);
    assertThatThrownBy(() -> le.grant(1, 10))
        .isInstanceOf(LeaseException.class)
        .hasMessage("lease already exists")
        .extracting(e -> ((LeaseException) e).reason())
        .isEqualTo(LeaseException.Reason.LEASE_EXISTS);
  }

  @Test
  void grantOfNoLeaseIdFailsWithLeaseNotFound() {
    LessorImpl le = newLessor();
    assertThatThrownBy(() -> le.grant(Lessor.NO_LEASE, 10)).hasMessage("lease not found");
    assertThat(le.leases()).isEmpty();
  }

  /** TestLessorMaxTTL. */
  @Test
  void grantAboveMaxTtlFailsWithTooLargeLeaseTtl() throws Exception {
    LessorImpl le = newLessor();
    assertThatThrownBy(() -> le.grant(1, Lessor.MAX_LEASE_TTL + 1))
        .isInstanceOf(LeaseException.class)
        .hasMessage("too large lease TTL");
    assertThat(bucket.size()).isZero();
    assertThat(le.grant(2, Lessor.MAX_LEASE_TTL).ttl()).isEqualTo(Lessor.MAX_LEASE_TTL);
  }

  /** TestLessorGrant: leases are listed soonest expiry first. */
  @Test
  void leasesAreListedSoonestExpiryFirst() throws Exception {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);
    le.grant(3, 30);
    le.grant(1, 20);
    le.grant(2, 10);

    assertThat(le.leases()).extracting(Lease::id).containsExactly(2L, 1L, 3L);
  }

  @Test
  void leasesOfNonPrimaryNeverExpireAndAreOrderedById() throws Exception {
    LessorImpl le = newLessor();
    le.grant(3, 30);
    le.grant(1, 20);

    assertThat(le.leases()).extracting(Lease::id).containsExactly(1L, 3L);
    clock.advance(Duration.ofDays(365));
    assertThat(le.lookup(1).expired()).isFalse();
    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }

  // --- revoke ----------------------------------------------------------------------------------

  /** TestLessorRevoke. */
  @Test
  void revokeDeletesAttachedKeysInSortedOrderThroughOneTxnWithTheBucketDelete() throws Exception {
    LessorImpl le = newLessor();
    List<RecordingTxnDelete> txns = new ArrayList<>();
    le.setRangeDeleter(
        () -> {
          RecordingTxnDelete t = new RecordingTxnDelete(log);
          txns.add(t);
          return t;
        });
    le.grant(1, 100);
    le.attach(1, items("foo", "bar", "baz"));
    log.clear();

    le.revoke(1);

    assertThat(txns).hasSize(1);
    // The bucket delete lands before end(), i.e. in the same backend batch as the key deletes.
    assertThat(log)
        .containsExactly(
            "begin", "deleteRange bar_", "deleteRange baz_", "deleteRange foo_", "delete 1", "end");
    assertThat(le.lookup(1)).isNull();
    assertThat(bucket.get(1)).isNull();
    assertThat(le.leases()).isEmpty();
  }

  @Test
  void revokeCompletesTheLeasesRevokedFuture() throws Exception {
    LessorImpl le = newLessor();
    le.setRangeDeleter(() -> new RecordingTxnDelete(log));
    Lease l = le.grant(1, 100);
    CompletableFuture<Void> revoked = l.revokedFuture();
    assertThat(revoked).isNotDone();
    le.revoke(1);
    assertThat(revoked).isDone();
  }

  @Test
  void revokeOfUnknownLeaseFailsWithLeaseNotFound() {
    LessorImpl le = newLessor();
    assertThatThrownBy(() -> le.revoke(42)).hasMessage("lease not found");
  }

  @Test
  void revokeWithoutRangeDeleterStillRemovesTheLease() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 100);
    le.revoke(1);
    assertThat(le.lookup(1)).isNull();
    assertThat(bucket.get(1)).isNull();
  }

  /**
   * mvcc's delete detaches each deleted key from its lease (kvstore_txn.go), calling back into the
   * lessor from inside the revoke's TxnDelete; that must not deadlock.
   */
  @Test
  void revokeToleratesTheStoreDetachingKeysDuringDeletion() throws Exception {
    LessorImpl le = newLessor();
    le.setRangeDeleter(
        () ->
            new TxnDelete() {
              @Override
              public long deleteRange(byte[] key, byte[] end) {
                LeaseItem item = LeaseKeys.item(key);
                long id = le.getLease(item);
                try {
                  le.detach(id, List.of(item));
                } catch (LeaseException e) {
                  throw new AssertionError(e);
                }
                return 1;
              }

              @Override
              public void end() {}
            });
    le.grant(1, 100);
    le.attach(1, items("a", "b"));

    le.revoke(1);

    assertThat(le.getLease(new LeaseItem("a"))).isEqualTo(Lessor.NO_LEASE);
    assertThat(le.getLease(new LeaseItem("b"))).isEqualTo(Lessor.NO_LEASE);
  }

  // --- attach / detach -------------------------------------------------------------------------

  @Test
  void attachRecordsItemsAndGetLeaseFindsThem() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 100);
    le.attach(1, items("foo", "bar"));

    assertThat(le.getLease(new LeaseItem("foo"))).isEqualTo(1);
    assertThat(le.getLease(new LeaseItem("nope"))).isEqualTo(Lessor.NO_LEASE);
    assertThat(le.lookup(1).keys()).containsExactlyInAnyOrder("foo", "bar");
  }

  @Test
  void attachToUnknownLeaseFailsWithLeaseNotFound() {
    LessorImpl le = newLessor();
    assertThatThrownBy(() -> le.attach(9, items("foo")))
        .isInstanceOf(LeaseException.class)
        .hasMessage("lease not found");
    assertThat(le.getLease(new LeaseItem("foo"))).isEqualTo(Lessor.NO_LEASE);
  }

  /** TestLessorDetach. */
  @Test
  void detachRemovesOnlyTheGivenItems() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 100);
    le.attach(1, items("foo", "bar"));

    le.detach(1, items("foo"));

    assertThat(le.lookup(1).keys()).containsExactly("bar");
    assertThat(le.getLease(new LeaseItem("foo"))).isEqualTo(Lessor.NO_LEASE);
    assertThat(le.getLease(new LeaseItem("bar"))).isEqualTo(1);
  }

  @Test
  void detachFromUnknownLeaseFailsWithLeaseNotFound() {
    LessorImpl le = newLessor();
    assertThatThrownBy(() -> le.detach(9, items("foo"))).hasMessage("lease not found");
  }

  /** TestLeaseConcurrentKeys: reading keys while detaching is safe. */
  @Test
  void keysCanBeReadWhileItemsAreDetached() throws Exception {
    LessorImpl le = newLessor();
    Lease l = le.grant(1, 100);
    List<LeaseItem> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(new LeaseItem("foo" + i));
    }
    le.attach(1, items);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      readers.add(
          CompletableFuture.runAsync(
              () -> {
                awaitQuietly(start);
                for (int j = 0; j < 200; j++) {
                  assertThat(l.keys().size()).isBetween(0, 200);
                }
              }));
    }
    start.countDown();
    for (LeaseItem item : items) {
      le.detach(1, List.of(item));
    }
    CompletableFuture.allOf(readers.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    assertThat(l.keys()).isEmpty();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- renew -----------------------------------------------------------------------------------

  /** TestLessorRenew. */
  @Test
  void renewRestartsTheExpiryFromNowAndReturnsTheTtl() throws Exception {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    clock.advance(Duration.ofSeconds(7));
    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(3));

    assertThat(le.renew(1)).isEqualTo(10);

    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void renewOnNonPrimaryFailsWithNotAPrimaryLessor() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 10);
    assertThatThrownBy(() -> le.renew(1))
        .isInstanceOf(LeaseException.class)
        .hasMessage("not a primary lessor")
        .extracting(e -> ((LeaseException) e).reason())
        .isEqualTo(LeaseException.Reason.NOT_PRIMARY);
  }

  @Test
  void renewOfUnknownLeaseFailsWithLeaseNotFound() {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);
    assertThatThrownBy(() -> le.renew(1)).hasMessage("lease not found");
  }

  /** TestLessorRenewWithCheckpointer. */
  @Test
  void renewClearsACheckpointedRemainingTtlThroughTheCheckpointer() throws Exception {
    LessorImpl le = newLessor();
    List<LeaseCheckpointRequest> sent = new ArrayList<>();
    le.setCheckpointer(
        req -> {
          sent.add(req);
          // Stand-in for raft: apply the checkpoint straight away.
          for (LeaseCheckpoint c : req.getCheckpointsList()) {
            le.checkpoint(c.getID(), c.getRemainingTTL());
          }
        });
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    le.checkpoint(1, 4);
    assertThat(le.lookup(1).remainingTtl()).isEqualTo(4);

    assertThat(le.renew(1)).isEqualTo(10);

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getCheckpoints(0).getID()).isEqualTo(1);
    assertThat(sent.get(0).getCheckpoints(0).getRemainingTTL()).isZero();
    assertThat(le.lookup(1).remainingTtl()).isEqualTo(10);
    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void renewWithoutACheckpointedTtlSendsNoCheckpoint() throws Exception {
    LessorImpl le = newLessor();
    List<LeaseCheckpointRequest> sent = new ArrayList<>();
    le.setCheckpointer(sent::add);
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    le.renew(1);
    le.run();
    assertThat(sent).isEmpty();
  }

  // --- expiry ----------------------------------------------------------------------------------

  /** TestLessorExpire (first half), with a fake clock. */
  @Test
  void expiredLeaseIsOfferedToTheOwnerAndOfferedAgainAfterTheRetryInterval() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ofSeconds(1));
    le.grant(1, 1);
    le.grant(2, 100);

    clock.advance(Duration.ofMillis(999));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();

    clock.advance(Duration.ofMillis(1));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(1L);
    assertThat(le.pollExpiredLeases()).isEmpty();

    // Not revoked yet: offered again only once the retry interval (3 s) has passed.
    clock.advance(Duration.ofMillis(2999));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(1L);

    // Once revoked it is never offered again.
    le.revoke(1);
    clock.advance(Duration.ofSeconds(10));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();
  }

  @Test
  void renewedLeaseIsNotOfferedAtItsOldExpiry() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    clock.advance(Duration.ofSeconds(9));
    le.renew(1);
    clock.advance(Duration.ofSeconds(9));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(1L);
  }

  @Test
  void expiryIsDetectedAcrossNanoClockOverflow() throws Exception {
    FakeNanoClock wrapping = new FakeNanoClock(Long.MAX_VALUE - Duration.ofSeconds(1).toNanos());
    LessorImpl le = new LessorImpl(bucket, LessorConfig.withMinLeaseTtl(1), wrapping);
    opened.add(le);
    le.promote(Duration.ZERO);
    le.grant(1, 5);
    le.grant(2, 3);
    assertThat(le.leases()).extracting(Lease::id).containsExactly(2L, 1L);
    wrapping.advance(Duration.ofSeconds(4));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(2L);
    wrapping.advance(Duration.ofSeconds(1));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(1L);
  }

  @Test
  void oneRunOffersAtMostHalfTheRevokeRate() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1).withRevokeRate(10));
    le.promote(Duration.ZERO);
    for (int i = 1; i <= 8; i++) {
      le.grant(i, 1);
    }
    clock.advance(Duration.ofSeconds(1));
    le.run();
    assertThat(le.pollExpiredLeases()).hasSize(5);
    le.run();
    assertThat(le.pollExpiredLeases()).hasSize(3);
  }

  /** etcd's expiredC has 16 slots and a send never blocks the lessor. */
  @Test
  void expiredBatchesBeyondTheQueueCapacityAreDroppedNotBlocked() throws Exception {
    LessorImpl le =
        newLessor(
            LessorConfig.withMinLeaseTtl(1)
                .withRevokeRate(2)
                .withExpiredLeasesRetryInterval(Duration.ofHours(1)));
    le.promote(Duration.ZERO);
    for (int i = 1; i <= 20; i++) {
      le.grant(i, 1);
    }
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 20; i++) {
      le.run();
    }
    int batches = 0;
    while (!le.pollExpiredLeases().isEmpty()) {
      batches++;
    }
    assertThat(batches).isEqualTo(16);
  }

  /** TestLessorExpire (second half): renewing an expired lease waits for its revoke. */
  @Test
  void renewOfExpiredLeaseWaitsForTheRevokeThenFailsWithLeaseNotFound() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ZERO);
    le.grant(1, 1);
    clock.advance(Duration.ofSeconds(1));

    CompletableFuture<Throwable> renew = renewInBackground(le, 1);
    assertThat(renew).isNotDone();

    le.revoke(1);

    assertThat(renew.get(10, TimeUnit.SECONDS)).hasMessage("lease not found");
  }

  /** TestLessorExpireAndDemote. */
  @Test
  void renewOfExpiredLeaseFailsWithNotPrimaryWhenDemotedMeanwhile() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ZERO);
    le.grant(1, 1);
    clock.advance(Duration.ofSeconds(1));

    CompletableFuture<Throwable> renew = renewInBackground(le, 1);
    le.demote();

    assertThat(renew.get(10, TimeUnit.SECONDS)).hasMessage("not a primary lessor");
  }

  @Test
  void closeWakesARenewWaitingOnAnExpiredLease() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ZERO);
    le.grant(1, 1);
    clock.advance(Duration.ofSeconds(1));

    CompletableFuture<Throwable> renew = renewInBackground(le, 1);
    le.close();

    assertThat(renew.get(10, TimeUnit.SECONDS)).hasMessage("not a primary lessor");
  }

  /**
   * Starts a renew on its own thread and returns once that thread is parked waiting, so the test
   * never depends on sleeps. The future completes with the failure (or null on success).
   */
  private static CompletableFuture<Throwable> renewInBackground(LessorImpl le, long id)
      throws InterruptedException {
    CompletableFuture<Throwable> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                le.renew(id);
                result.complete(null);
              } catch (LeaseException e) {
                result.complete(e);
              }
            },
            "renew-" + id);
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING && !result.isDone()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("renew thread never blocked");
      }
      Thread.onSpinWait();
    }
    return result;
  }

  // --- promote / demote ------------------------------------------------------------------------

  @Test
  void promoteRestartsEveryExpiryAtExtendPlusTtl() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 10);
    le.grant(2, 20);
    clock.advance(Duration.ofHours(1));

    le.promote(Duration.ofSeconds(3));

    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(13));
    assertThat(le.lookup(2).remaining()).isEqualTo(Duration.ofSeconds(23));
  }

  /** TestLessorCheckpointsRestoredOnPromote. */
  @Test
  void promoteUsesTheCheckpointedRemainingTtl() throws Exception {
    LessorImpl le = newLessor();
    le.grant(1, 10);
    le.checkpoint(1, 5);

    le.promote(Duration.ZERO);

    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void checkpointOfUnknownLeaseIsIgnored() {
    LessorImpl le = newLessor();
    le.checkpoint(99, 5);
    assertThat(le.lookup(99)).isNull();
  }

  /** TestLessorRenewExtendPileup. */
  @Test
  void promoteSpreadsLeasesThatWouldExpireTogether() throws Exception {
    int revokeRate = 10;
    LessorImpl first = newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL).withRevokeRate(revokeRate));
    long ttl = 10;
    for (int i = 1; i <= revokeRate * 10; i++) {
      first.grant(2L * i, ttl);
      // TTLs that overlap the spill-over of the ttl=10 leases.
      first.grant(2L * i + 1, ttl + 1);
    }
    first.close();

    // A restart: the new lessor recovers every lease from the bucket, then becomes primary.
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL).withRevokeRate(revokeRate));
    le.promote(Duration.ZERO);

    int[] windowCounts = new int[64];
    for (Lease l : le.leases()) {
      // Round up slightly for the leases exactly on a whole second.
      windowCounts[(int) ((l.remaining().toNanos() + 100_000_000L) / 1_000_000_000L)]++;
    }
    for (long s = ttl; s < ttl + 20; s++) {
      assertThat(windowCounts[(int) s])
          .as("leases expiring at %ds", s)
          .isBetween(revokeRate / 2, revokeRate);
    }
  }

  @Test
  void fewLeasesAreNotSpreadOnPromote() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL).withRevokeRate(10));
    for (int i = 1; i <= 9; i++) {
      le.grant(i, 10);
    }
    le.promote(Duration.ZERO);
    assertThat(le.leases())
        .allSatisfy(l -> assertThat(l.remaining()).isEqualTo(Duration.ofSeconds(10)));
  }

  @Test
  void demoteMakesLeasesLiveForeverAndStopsOfferingThem() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.promote(Duration.ZERO);
    le.grant(1, 1);

    le.demote();
    clock.advance(Duration.ofSeconds(10));
    le.run();

    assertThat(le.pollExpiredLeases()).isEmpty();
    assertThat(le.lookup(1).expired()).isFalse();
    assertThatThrownBy(() -> le.renew(1)).hasMessage("not a primary lessor");

    // Promoted again: the lease starts a fresh TTL.
    le.promote(Duration.ZERO);
    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void leaseGrantedWhileNotPrimaryStartsExpiringOnPromote() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.grant(1, 2);
    clock.advance(Duration.ofSeconds(100));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();

    le.promote(Duration.ZERO);
    clock.advance(Duration.ofSeconds(2));
    le.run();
    assertThat(le.pollExpiredLeases()).extracting(Lease::id).containsExactly(1L);
  }

  // --- checkpoints -----------------------------------------------------------------------------

  /** TestLessorCheckpointScheduling. */
  @Test
  void longLeaseIsCheckpointedEachIntervalWithItsRemainingTtl() throws Exception {
    LessorImpl le =
        newLessor(LessorConfig.withMinLeaseTtl(1).withCheckpointInterval(Duration.ofSeconds(1)));
    List<LeaseCheckpointRequest> sent = new ArrayList<>();
    le.setCheckpointer(sent::add);
    le.grant(1, 2);
    le.promote(Duration.ZERO);

    clock.advance(Duration.ofMillis(999));
    le.run();
    assertThat(sent).isEmpty();

    clock.advance(Duration.ofMillis(1));
    le.run();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getCheckpointsList())
        .containsExactly(LeaseCheckpoint.newBuilder().setID(1).setRemainingTTL(1).build());
  }

  @Test
  void leaseNotLongerThanTheIntervalIsNotCheckpointed() throws Exception {
    LessorImpl le =
        newLessor(LessorConfig.withMinLeaseTtl(1).withCheckpointInterval(Duration.ofSeconds(5)));
    List<LeaseCheckpointRequest> sent = new ArrayList<>();
    le.setCheckpointer(sent::add);
    le.promote(Duration.ZERO);
    le.grant(1, 5);
    clock.advance(Duration.ofSeconds(5));
    le.run();
    assertThat(sent).isEmpty();
  }

  @Test
  void checkpointsAreBatched() throws Exception {
    LessorConfig base =
        LessorConfig.withMinLeaseTtl(1).withCheckpointInterval(Duration.ofSeconds(1));
    LessorImpl le =
        newLessor(
            new LessorConfig(
                base.minLeaseTtl(),
                base.checkpointInterval(),
                base.expiredLeasesRetryInterval(),
                false,
                base.revokeRate(),
                base.checkpointRate(),
                2));
    List<LeaseCheckpointRequest> sent = new ArrayList<>();
    le.setCheckpointer(sent::add);
    le.promote(Duration.ZERO);
    for (int i = 1; i <= 5; i++) {
      le.grant(i, 100);
    }
    clock.advance(Duration.ofSeconds(1));
    le.run();
    assertThat(sent)
        .extracting(LeaseCheckpointRequest::getCheckpointsCount)
        .containsExactly(2, 2, 1);
  }

  /** TestLessorCheckpointPersistenceAfterRestart: persisted when enabled. */
  @Test
  void checkpointIsPersistedAndUsedOnRecoveryWhenPersistenceIsEnabled() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL).withCheckpointPersist(true));
    le.grant(2, 10);
    le.checkpoint(2, 5);
    assertThat(le.lookup(2).remainingTtl()).isEqualTo(5);
    le.close();

    LessorImpl restarted = newLessor();
    assertThat(restarted.lookup(2).remainingTtl()).isEqualTo(5);
    restarted.promote(Duration.ZERO);
    assertThat(restarted.lookup(2).remaining()).isEqualTo(Duration.ofSeconds(5));
  }

  /** TestLessorCheckpointPersistenceAfterRestart: etcd 3.4/3.5 behaviour by default. */
  @Test
  void checkpointIsNotPersistedByDefault() throws Exception {
    LessorImpl le = newLessor();
    le.grant(2, 10);
    le.checkpoint(2, 5);
    le.close();

    LessorImpl restarted = newLessor();
    assertThat(restarted.lookup(2).remainingTtl()).isEqualTo(10);
  }

  // --- recovery --------------------------------------------------------------------------------

  /** TestLessorRecover. */
  @Test
  void newLessorOnTheSameBucketRecoversLeasesThatNeverExpireUntilPromoted() throws Exception {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    le.grant(2, 20);
    le.attach(1, items("foo"));

    LessorImpl recovered = newLessor();

    assertThat(recovered.leases())
        .extracting(Lease::id, Lease::ttl)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 10L),
            org.assertj.core.groups.Tuple.tuple(2L, 20L));
    assertThat(recovered.lookup(1).expired()).isFalse();
    assertThat(recovered.lookup(1).remaining()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    // Items are not stored with leases: mvcc re-attaches them while restoring its keys.
    assertThat(recovered.lookup(1).keys()).isEmpty();
    assertThat(recovered.getLease(new LeaseItem("foo"))).isEqualTo(Lessor.NO_LEASE);
    recovered.attach(1, items("foo"));
    assertThat(recovered.getLease(new LeaseItem("foo"))).isEqualTo(1);
    assertThat(bucket.forceCommits).isEqualTo(2);
  }

  @Test
  void recoveryRaisesStoredTtlsToTheCurrentMinimum() throws Exception {
    LessorImpl le = newLessor(LessorConfig.withMinLeaseTtl(1));
    le.grant(1, 2);
    LessorImpl recovered = newLessor(LessorConfig.withMinLeaseTtl(MIN_TTL));
    assertThat(recovered.lookup(1).ttl()).isEqualTo(MIN_TTL);
  }

  @Test
  void recoverReplacesTheLeaseTableAndRangeDeleter() throws Exception {
    LessorImpl le = newLessor();
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    le.attach(1, items("old"));

    MemoryLeaseBucket snapshot = new MemoryLeaseBucket(log);
    snapshot.put(
        io.etcdj.proto.leasepb.Lease.newBuilder().setID(7).setTTL(30).setRemainingTTL(12).build());
    le.recover(snapshot, () -> new RecordingTxnDelete(log));

    assertThat(le.lookup(1)).isNull();
    assertThat(le.getLease(new LeaseItem("old"))).isEqualTo(Lessor.NO_LEASE);
    assertThat(le.lookup(7).ttl()).isEqualTo(30);
    assertThat(le.lookup(7).remainingTtl()).isEqualTo(12);
    assertThat(le.lookup(7).expired()).isFalse();
    clock.advance(Duration.ofMinutes(5));
    le.run();
    assertThat(le.pollExpiredLeases()).isEmpty();

    le.attach(7, items("k"));
    log.clear();
    le.revoke(7);
    assertThat(log).containsExactly("begin", "deleteRange k_", "delete 7", "end");
  }

  // --- misc ------------------------------------------------------------------------------------

  @Test
  void minimumTtlIsOneAndAHalfElectionTimeoutsRoundedUp() {
    assertThat(LessorConfig.minLeaseTtlFor(10, Duration.ofMillis(100))).isEqualTo(2);
    assertThat(LessorConfig.minLeaseTtlFor(5, Duration.ofSeconds(1))).isEqualTo(7);
    assertThat(LessorConfig.minLeaseTtlFor(10, Duration.ofMillis(200))).isEqualTo(3);
  }

  @Test
  void errorTextsAreEtcds() {
    assertThat(new LeaseException(LeaseException.Reason.NOT_PRIMARY))
        .hasMessage("not a primary lessor");
    assertThat(new LeaseException(LeaseException.Reason.LEASE_NOT_FOUND))
        .hasMessage("lease not found");
    assertThat(new LeaseException(LeaseException.Reason.LEASE_EXISTS))
        .hasMessage("lease already exists");
    assertThat(new LeaseException(LeaseException.Reason.TTL_TOO_LARGE))
        .hasMessage("too large lease TTL");
  }
}
