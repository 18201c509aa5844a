package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.mvccpb.Event;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.lease.Lessor;
import io.etcdj.storage.lease.LessorConfig;
import io.etcdj.storage.lease.LessorImpl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchable store over the KV store on LMDB, plus what needs the real backend (leases). */
class LmdbWatchableKvStoreTest extends WatchableKvStoreContractTest {
  @TempDir Path dir;

  private final List<LmdbBackend> open = new ArrayList<>();
  private int n;

  private LmdbBackend lmdb() {
    LmdbBackend b =
        LmdbBackend.open(BackendConfig.builder(dir.resolve("db" + n++)).mapSize(64L << 20).build());
    open.add(b);
    return b;
  }

  @Override
  KvBackend newBackend() {
    return new BackendKv(lmdb());
  }

  @Override
  void closeBackends() {
    for (LmdbBackend b : open) {
      b.close();
    }
  }

  /** Revoking a lease deletes its keys through the watchable store: watchers see one revision. */
  @Test
  void leaseRevokeIsSeenByWatchersAsDeletesAtOneRevision() throws Exception {
    AtomicLong clock = new AtomicLong();
    LmdbBackend be = lmdb();
    try (Lessor le = new LessorImpl(be, LessorConfig.withMinLeaseTtl(1), clock::get);
        KvStore s = KvStore.open(be, le, null, INLINE)) {
      WatchableStore w = WatchableStore.wrap(s, le, WatchOptions.DEFAULT, null);
      le.grant(1, 60);
      w.put(b("a"), b("1"), 1);
      w.put(b("b"), b("1"), 1);
      w.put(b("c"), b("1"), 0);
      WatchStream ws = w.newWatchStream();
      ws.watch(0, bs("a"), bs("z"), 0);
      long before = s.rev();
      le.revoke(1);
      WatchResponse r = ws.poll();
      assertThat(r.revision()).isEqualTo(before + 1);
      assertThat(r.events())
          .extracting(e -> e.getType(), e -> e.getKv().getKey().toStringUtf8())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(Event.EventType.DELETE, "a"),
              org.assertj.core.groups.Tuple.tuple(Event.EventType.DELETE, "b"));
      assertThat(ws.poll()).isNull();
    }
  }
}
