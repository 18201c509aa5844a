package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rough throughput figures of the watch path, not part of the normal run (single thread, in-memory
 * KV backend so that the watch cost shows). Run: {@code mvn -pl storage verify
 * -Dtest=WatchBenchmarkTest -Detcdj.bench=true}.
 */
@EnabledIfSystemProperty(named = "etcdj.bench", matches = "true")
class WatchBenchmarkTest {

  private static final int PUTS = 100_000;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static double putsPerSecond(WatchableStore store, List<WatchStream> streams, int keys) {
    Random rnd = new Random(1);
    byte[] value = new byte[64];
    long start = System.nanoTime();
    for (int i = 0; i < PUTS; i++) {
      store.put(b("key/" + rnd.nextInt(keys)), value, 0);
      if (i % 64 == 0) {
        for (WatchStream ws : streams) {
          WatchTesting.drain(ws);
        }
      }
    }
    return PUTS / ((System.nanoTime() - start) / 1e9);
  }

  private static WatchableStore newStore() {
    KvStore kv =
        KvStore.open(
            new MemKvBackend(), KeyLeases.NONE, null, new StoreConfig(1000, 0, Runnable::run));
    return WatchableStore.wrap(kv, null, WatchOptions.DEFAULT, null);
  }

  @Test
  void report() throws Exception {
    for (int round = 0; round < 2; round++) {
      WatchableStore none = newStore();
      double base = putsPerSecond(none, List.of(), 10_000);

      WatchableStore keys = newStore();
      List<WatchStream> keyStreams = new ArrayList<>();
      for (int s = 0; s < 100; s++) {
        WatchStream ws = keys.newWatchStream();
        for (int w = 0; w < 100; w++) {
          ws.watch(0, bs("key/" + (s * 100 + w)), null, 0);
        }
        keyStreams.add(ws);
      }
      double withKeys = putsPerSecond(keys, keyStreams, 10_000);

      WatchableStore ranges = newStore();
      WatchStream rs = ranges.newWatchStream();
      for (int w = 0; w < 1000; w++) {
        String p = "key/" + w;
        rs.watch(0, bs(p), bs(p + "\u00ff"), 0); // overlapping prefixes: "key/1" covers "key/1x"
      }
      double withRanges = putsPerSecond(ranges, List.of(rs), 10_000);

      // Catch-up: 100 watchers from revision 1 over the 100k-revision history just written.
      WatchStream cs = ranges.newWatchStream();
      for (int w = 0; w < 100; w++) {
        cs.watch(0, bs("key/" + w), null, 1);
      }
      long start = System.nanoTime();
      long events = 0;
      int passes = 0;
      while (ranges.syncWatchers() > 0 || ranges.moveVictims() > 0 || cs.pending() > 0) {
        passes++;
        for (WatchResponse r = cs.poll(); r != null; r = cs.poll()) {
          events += r.events().size();
        }
      }
      for (WatchResponse r = cs.poll(); r != null; r = cs.poll()) {
        events += r.events().size();
      }
      double catchUpMs = (System.nanoTime() - start) / 1e6;

      System.out.printf(
          "round %d: puts/s no watchers %.0f; 10k key watchers %.0f; 1k range watchers %.0f;"
              + " catch-up of 100 watchers over %d revisions: %d events in %.0f ms (%d passes)%n",
          round, base, withKeys, withRanges, PUTS, events, catchUpMs, passes);
    }
  }
}
