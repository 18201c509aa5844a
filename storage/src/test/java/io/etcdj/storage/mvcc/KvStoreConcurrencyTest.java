package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, readers and compactions at once on LMDB (etcd TestConcurrentReadTxAndWrite in spirit):
 * every write txn sets two keys to the same value, so every read txn must see them equal, at
 * whatever revision it reads; revisions only grow; compaction never breaks a read at a live
 * revision. Bounded by operation counts, not time.
 */
class KvStoreConcurrencyTest {
  @TempDir Path dir;

  @Test
  void readTxnsSeeWholeWriteTxnsWhileCompactionRuns() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LmdbBackend be =
            LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).mapSize(64L << 20).build());
        KvStore s = KvStore.open(be, null, null, new StoreConfig(50, 0, null))) {
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        tasks.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1500; i++) {
                    String v = writer + "-" + i;
                    try (TxnWrite tw = s.write()) {
                      tw.put(bytes("a"), bytes(v), 0);
                      tw.put(bytes("b"), bytes(v), 0);
                      if (i % 10 == 0) {
                        tw.deleteRange(bytes("c"), null);
                      } else {
                        tw.put(bytes("c" + (i % 7)), bytes(v), 0);
                      }
                    }
                  }
                  return null;
                }));
      }
      tasks.add(
          pool.submit(
              () -> {
                long lastRev = 0;
                int reads = 0;
                while (writing.get() || reads < 100) {
                  try (TxnRead tr = s.read()) {
                    assertThat(tr.rev()).isGreaterThanOrEqualTo(lastRev);
                    lastRev = tr.rev();
                    List<KeyValue> kvs =
                        tr.range(bytes("a"), bytes("c"), RangeOptions.DEFAULT).kvs();
                    if (!kvs.isEmpty()) {
                      assertThat(kvs).hasSize(2);
                      assertThat(kvs.get(0).getValue()).isEqualTo(kvs.get(1).getValue());
                      assertThat(kvs.get(0).getModRevision())
                          .isEqualTo(kvs.get(1).getModRevision());
                    }
                  }
                  reads++;
                }
                return null;
              }));
      tasks.add(
          pool.submit(
              () -> {
                while (writing.get()) {
                  long rev = s.rev() - 5;
                  if (rev > s.compactRev()) {
                    try {
                      s.compact(rev).get(30, TimeUnit.SECONDS);
                      // The compacted revision itself stays readable.
                      s.range(bytes("a"), bytes("c"), RangeOptions.atRev(rev));
                    } catch (MvccException e) {
                      // A racing compaction may have gone further; only that is acceptable.
                      assertThat(e.error()).isEqualTo(MvccError.COMPACTED);
                    }
                  }
                  Thread.onSpinWait();
                }
                return null;
              }));
      tasks.get(0).get(120, TimeUnit.SECONDS);
      tasks.get(1).get(120, TimeUnit.SECONDS);
      writing.set(false);
      for (Future<?> t : tasks) {
        t.get(120, TimeUnit.SECONDS);
      }
      assertThat(s.rev()).isEqualTo(1 + 3000);
      s.compactBarrier().get(30, TimeUnit.SECONDS);
      // History below the last compaction is gone from the backend, live keys remain.
      RangeResult all = s.range(new byte[] {0}, new byte[0], RangeOptions.DEFAULT);
      assertThat(all.kvs()).extracting(kv -> kv.getKey().toStringUtf8()).contains("a", "b");
    } finally {
      pool.shutdownNow();
    }
  }
}
