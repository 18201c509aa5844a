package io.etcdj.storage.node;

import com.google.protobuf.ByteString;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.mvcc.StoreConfig;
import io.etcdj.storage.mvcc.WatchOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** Opens node stores for tests: compaction inline, watch loops parked (tests call sync passes). */
final class NodeStoreFixture {
  /** A sync interval no test waits for: the loop runs once at start, then tests drive it. */
  static final WatchOptions PARKED_WATCH =
      WatchOptions.DEFAULT.withSyncInterval(Duration.ofHours(1));

  static final Executor INLINE = Runnable::run;

  /** A clock that stands still unless a test moves it. */
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  NodeStoreConfig.Builder config(Path dir) {
    return config(dir, BackendConfig.builder(dir.resolve("db")).build());
  }

  NodeStoreConfig.Builder config(Path dir, BackendConfig backend) {
    return NodeStoreConfig.builder(backend)
        .store(new StoreConfig(StoreConfig.DEFAULT_COMPACTION_BATCH_LIMIT, 0, INLINE))
        .watch(PARKED_WATCH)
        .nanoClock(nanos::get);
  }

  NodeStore open(Path dir) {
    return NodeStore.open(config(dir).build());
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** Applies a one-put entry. */
  static void put(NodeStore s, long index, String key, String value) {
    try (ApplyTxn a = s.beginApply(index)) {
      a.txn().put(bs(key), bs(value), 0);
    }
  }
}
