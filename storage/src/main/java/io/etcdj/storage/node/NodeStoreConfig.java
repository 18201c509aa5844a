package io.etcdj.storage.node;

import static java.util.Objects.requireNonNull;

import io.etcdj.storage.auth.AuthStoreConfig;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.lease.LessorConfig;
import io.etcdj.storage.mvcc.StoreConfig;
import io.etcdj.storage.mvcc.WatchOptions;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How to open a {@link NodeStore}. Immutable; build with {@link #builder(BackendConfig)}.
 *
 * @param backend the backend file and its batching ({@code member/snap/db})
 * @param store mvcc settings (compaction batch size and pause, compaction executor)
 * @param lessor lease settings; the server sets the minimum TTL from its raft timing
 * @param watch watchable-store tuning
 * @param watchScheduler runs the watch sync and victim loops; null = the node store owns one daemon
 *     thread and shuts it down on close. A given scheduler is not shut down.
 * @param nanoClock monotonic nanoseconds for lease expiry
 * @param auth bcrypt cost and simple-token TTL, clock and randomness of the auth store
 */
public record NodeStoreConfig(
    BackendConfig backend,
    StoreConfig store,
    LessorConfig lessor,
    WatchOptions watch,
    @Nullable ScheduledExecutorService watchScheduler,
    LongSupplier nanoClock,
    AuthStoreConfig auth) {

  public NodeStoreConfig {
    requireNonNull(auth, "auth");
    requireNonNull(backend, "backend");
    requireNonNull(store, "store");
    requireNonNull(lessor, "lessor");
    requireNonNull(watch, "watch");
    requireNonNull(nanoClock, "nanoClock");
  }

  /** etcd's defaults around the given backend. */
  public static Builder builder(BackendConfig backend) {
    return new Builder(backend);
  }

  /** Fluent builder; not thread-safe. */
  public static final class Builder {
    private final BackendConfig backend;
    private StoreConfig store = StoreConfig.defaults();
    // etcd's server default: 1.5 election timeouts of 10 ticks of 100 ms, rounded up: 2 s.
    private LessorConfig lessor =
        LessorConfig.withMinLeaseTtl(LessorConfig.minLeaseTtlFor(10, Duration.ofMillis(100)));
    private WatchOptions watch = WatchOptions.DEFAULT;
    @Nullable private ScheduledExecutorService watchScheduler;
    private LongSupplier nanoClock = System::nanoTime;
    private AuthStoreConfig auth = AuthStoreConfig.defaults();

    private Builder(BackendConfig backend) {
      this.backend = requireNonNull(backend, "backend");
    }

    public Builder store(StoreConfig store) {
      this.store = store;
      return this;
    }

    public Builder lessor(LessorConfig lessor) {
      this.lessor = lessor;
      return this;
    }

    public Builder watch(WatchOptions watch) {
      this.watch = watch;
      return this;
    }

    public Builder watchScheduler(ScheduledExecutorService watchScheduler) {
      this.watchScheduler = watchScheduler;
      return this;
    }

    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = nanoClock;
      return this;
    }

    public Builder auth(AuthStoreConfig auth) {
      this.auth = auth;
      return this;
    }

    public NodeStoreConfig build() {
      return new NodeStoreConfig(backend, store, lessor, watch, watchScheduler, nanoClock, auth);
    }
  }
}
