package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LeaseKeepAlive from an event loop (§2.2): renewAsync answers without blocking the caller. */
class LessorRenewAsyncTest {
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final FakeNanoClock clock = new FakeNanoClock();
  private final LessorImpl le =
      new LessorImpl(new MemoryLeaseBucket(log), LessorConfig.withMinLeaseTtl(5), clock);

  @AfterEach
  void close() {
    le.close();
  }

  @Test
  void aLiveLeaseIsRenewedAtOnce() throws Exception {
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    clock.advance(Duration.ofSeconds(4));
    CompletableFuture<Long> f = le.renewAsync(1);
    assertThat(f).isCompletedWithValue(10L);
    assertThat(le.lookup(1).remaining()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void notPrimaryAndNotFoundFailAtOnce() {
    assertThat(reason(le.renewAsync(1))).isEqualTo(LeaseException.Reason.NOT_PRIMARY);
    le.promote(Duration.ZERO);
    assertThat(reason(le.renewAsync(1))).isEqualTo(LeaseException.Reason.LEASE_NOT_FOUND);
  }

  /** etcd TestLessorRenewWithCheckpointer's expired branch: wait for the revoke, not found. */
  @Test
  void anExpiredLeaseAnswersWhenItsRevokeCommits() throws Exception {
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    clock.advance(Duration.ofSeconds(11));
    CompletableFuture<Long> f = le.renewAsync(1);
    assertThat(f).isNotDone();
    le.revoke(1);
    assertThat(reason(f)).isEqualTo(LeaseException.Reason.LEASE_NOT_FOUND);
  }

  @Test
  void anExpiredLeaseAnswersNotPrimaryWhenDemotedOrClosed() throws Exception {
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    le.grant(2, 10);
    clock.advance(Duration.ofSeconds(11));
    CompletableFuture<Long> first = le.renewAsync(1);
    le.demote();
    assertThat(reason(first)).isEqualTo(LeaseException.Reason.NOT_PRIMARY);
    le.promote(Duration.ZERO);
    clock.advance(Duration.ofSeconds(11));
    CompletableFuture<Long> second = le.renewAsync(2);
    assertThat(second).isNotDone();
    le.close();
    assertThat(reason(second)).isEqualTo(LeaseException.Reason.NOT_PRIMARY);
  }

  @Test
  void blockingRenewKeepsItsErrors() throws Exception {
    le.promote(Duration.ZERO);
    le.grant(1, 10);
    assertThat(le.renew(1)).isEqualTo(10);
    try {
      le.renew(2);
    } catch (LeaseException e) {
      assertThat(e.reason()).isEqualTo(LeaseException.Reason.LEASE_NOT_FOUND);
      return;
    }
    throw new AssertionError("renew of an unknown lease succeeded");
  }

  private static LeaseException.Reason reason(CompletableFuture<Long> f) {
    assertThat(f).isDone();
    try {
      f.get();
    } catch (ExecutionException e) {
      return ((LeaseException) e.getCause()).reason();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("renewal succeeded");
  }
}
