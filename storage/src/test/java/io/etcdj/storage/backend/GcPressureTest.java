package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression for lmdbjava 0.9.1's {@code ByteArrayProxy}, which let the GC free a key's native copy
 * before LMDB read it (a segfault of the whole JVM). Commits and reads many entries while another
 * thread forces collections.
 */
class GcPressureTest {
  @TempDir Path dir;

  @Test
  void byteArrayProxySurvivesCollectionsDuringLmdbCalls() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread churn =
        new Thread(
            () -> {
              while (!stop.get()) {
                byte[][] garbage = new byte[256][];
                for (int i = 0; i < garbage.length; i++) {
                  garbage[i] = new byte[1024];
                }
                System.gc();
              }
            });
    churn.start();
    try (LmdbBackend be =
        LmdbBackend.open(config(dir, new ManualScheduler()).batchLimit(5_000).build())) {
      BatchTx tx = be.batchTx();
      byte[] value = new byte[64];
      for (int i = 0; i < 30_000; i += 10) {
        tx.lock();
        try {
          tx.unsafeCreateBucket(TEST);
          for (int j = i; j < i + 10; j++) {
            tx.unsafePut(TEST, ByteBuffer.allocate(8).putLong(j).array(), value);
          }
        } finally {
          tx.unlock();
        }
      }
      be.forceCommit();
      try (ReadTx r = be.concurrentReadTx()) {
        for (int j = 0; j < 30_000; j += 7) {
          assertThat(r.unsafeRange(TEST, ByteBuffer.allocate(8).putLong(j).array(), null, 0).size())
              .isEqualTo(1);
        }
      }
    } finally {
      stop.set(true);
      churn.join();
    }
  }
}
