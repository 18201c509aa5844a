package io.etcdj.storage.mvcc;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link CompactionCrashTest}: writes {@link #PUTS} puts over {@link #KEYS} keys,
 * schedules a compaction at {@link #COMPACT_AT} that deletes in small, slow batches, prints {@code
 * compacting} and waits to be killed.
 */
public final class CompactionCrashMain {
  static final int PUTS = 5000;
  static final int KEYS = 10;
  static final long COMPACT_AT = 4000;

  private CompactionCrashMain() {}

  static byte[] key(int i) {
    return ("key" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(int i) {
    return ("value" + i).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    LmdbBackend be =
        LmdbBackend.open(BackendConfig.builder(Path.of(args[0])).mapSize(64L << 20).build());
    KvStore s = KvStore.open(be, null, null, new StoreConfig(100, 50, null));
    for (int i = 0; i < PUTS; i++) {
      s.put(key(i), value(i), 0);
    }
    be.forceCommit();
    var unused = s.compact(COMPACT_AT);
    System.out.println("compacting");
    System.out.flush();
    Thread.sleep(60_000);
  }
}
