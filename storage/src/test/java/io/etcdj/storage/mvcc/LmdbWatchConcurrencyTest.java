package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrency suite over the real KV store on LMDB, with compaction deleting from the backend
 * on the store's own thread while watchers catch up.
 */
class LmdbWatchConcurrencyTest extends WatchConcurrencyTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  Target newTarget() {
    LmdbBackend be =
        LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).mapSize(64L << 20).build());
    KvStore kv =
        KvStore.open(new BackendKv(be), KeyLeases.NONE, null, new StoreConfig(100, 1, null));
    // Every change, by revision, recorded by the writer before its txn publishes it.
    ConcurrentSkipListMap<Long, List<Event>> log = new ConcurrentSkipListMap<>();
    return new Target() {
      private WatchableStore store;

      @Override
      public WatchableStore start(WatchOptions options, ScheduledExecutorService loops) {
        store = WatchableStore.wrap(kv, null, options, loops);
        store.start();
        return store;
      }

      private void record(TxnWrite tw) {
        long rev = tw.rev() + 1;
        List<Event> evs = new ArrayList<>();
        for (KeyValue c : tw.changes()) {
          boolean del = c.getCreateRevision() == 0;
          evs.add(
              Event.newBuilder()
                  .setType(del ? Event.EventType.DELETE : Event.EventType.PUT)
                  .setKv(del ? c.toBuilder().setModRevision(rev).build() : c)
                  .build());
        }
        if (!evs.isEmpty()) {
          log.put(rev, evs);
        }
      }

      @Override
      public void put(String key, String value) {
        try (TxnWrite tw = store.write()) {
          tw.put(b(key), b(value), 0);
          record(tw);
        }
      }

      @Override
      public void delete(String key, String end) {
        try (TxnWrite tw = store.write()) {
          tw.deleteRange(b(key), end == null ? null : b(end));
          record(tw);
        }
      }

      @Override
      public void txn(String a, String bb, String c, String value) {
        try (TxnWrite tw = store.write()) {
          tw.put(b(a), b(value), 0);
          tw.put(b(bb), b(value), 0);
          tw.deleteRange(b(c), null);
          record(tw);
        }
      }

      @Override
      public void compact(long rev) {
        if (rev > kv.compactRev()) {
          try {
            // The backend deletion runs on the store's compaction thread; do not wait for it.
            var unused = kv.compact(rev);
          } catch (MvccException e) {
            throw new IllegalStateException(e);
          }
        }
      }

      @Override
      public long rev() {
        return kv.rev();
      }

      @Override
      public long compactRev() {
        return kv.compactRev();
      }

      @Override
      public List<Event> history(long from) {
        List<Event> out = new ArrayList<>();
        log.tailMap(from, true).values().forEach(out::addAll);
        return out;
      }

      @Override
      public void close() {
        kv.close();
        be.close();
      }
    };
  }
}
