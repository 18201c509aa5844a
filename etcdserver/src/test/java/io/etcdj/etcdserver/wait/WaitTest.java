package io.etcdj.etcdserver.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** etcd's {@code pkg/wait/wait_test.go}, plus the stop path: every waiter is released. */
class WaitTest {
  @Test
  void triggerCompletesTheRegisteredFutureOnce() {
    Wait<String> w = new Wait<>();
    CompletableFuture<String> f = w.register(1);
    w.trigger(1, "done");
    w.trigger(1, "again");
    assertThat(f).isCompletedWithValue("done");
    assertThat(w.isRegistered(1)).isFalse();
  }

  @Test
  void duplicateIdIsAnInvariantViolation() {
    Wait<String> w = new Wait<>();
    w.register(0x2a);
    assertThatThrownBy(() -> w.register(0x2a)).hasMessage("dup id 2a");
  }

  @Test
  void triggerAllReleasesEveryWaiterWithNull() {
    Wait<String> w = new Wait<>();
    CompletableFuture<String> a = w.register(1);
    CompletableFuture<String> b = w.register(2);
    w.triggerAll();
    assertThat(a).isCompletedWithValue(null);
    assertThat(b).isCompletedWithValue(null);
    assertThat(w.size()).isZero();
  }
}
