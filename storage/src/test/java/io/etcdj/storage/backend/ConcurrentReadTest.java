package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.b;
import static io.etcdj.storage.backend.TestBackends.config;
import static io.etcdj.storage.backend.TestBackends.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers running beside the writer always see a consistent state: every write transaction sets
 * keys a, b and c/N to the same counter, so a reader must find a == b and c/a present, whether the
 * data is on disk, in the batch, or being committed (TestConcurrentReadTx-like).
 */
class ConcurrentReadTest {
  @TempDir Path dir;

  @Test
  void readersSeeWholeWriteTransactionsWhileTheWriterCommits() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    try (LmdbBackend be = LmdbBackend.open(config(dir, scheduler).batchLimit(50).build())) {
      BatchTx tx = be.batchTx();
      tx.lock();
      tx.unsafeCreateBucket(TEST);
      tx.unsafePut(TEST, b("a"), b("0"));
      tx.unsafePut(TEST, b("b"), b("0"));
      tx.unsafePut(TEST, b("c/0"), b("0"));
      tx.unlock();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          readers.add(
              pool.submit(
                  () -> {
                    long lastSeen = 0;
                    while (!stop.get()) {
                      try (ReadTx rt = be.concurrentReadTx()) {
                        String a = s(rt.unsafeRange(TEST, b("a"), null, 0).value(0));
                        String bb = s(rt.unsafeRange(TEST, b("b"), null, 0).value(0));
                        assertThat(bb).isEqualTo(a);
                        long n = Long.parseLong(a);
                        assertThat(n).isGreaterThanOrEqualTo(lastSeen);
                        lastSeen = n;
                        assertThat(rt.unsafeRange(TEST, b("c/" + a), null, 0).size()).isEqualTo(1);
                        assertThat(rt.unsafeRange(TEST, b("c/"), b("c0"), 0).size())
                            .isEqualTo((int) n + 1);
                      }
                      reads.incrementAndGet();
                    }
                    return null;
                  }));
        }
        Future<?> timer =
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    scheduler.runPeriodicTasks();
                    Thread.onSpinWait();
                  }
                });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        int n = 0;
        while (System.nanoTime() < deadline && n < 3000) {
          n++;
          tx.lock();
          try {
            tx.unsafePut(TEST, b("a"), b(Integer.toString(n)));
            tx.unsafePut(TEST, b("c/" + n), b(""));
            tx.unsafePut(TEST, b("b"), b(Integer.toString(n)));
          } finally {
            tx.unlock();
          }
        }
        stop.set(true);
        for (Future<?> f : readers) {
          f.get(10, TimeUnit.SECONDS);
        }
        timer.get(10, TimeUnit.SECONDS);
        assertThat(reads.get()).isPositive();
        assertThat(be.commits()).isPositive();
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
    }
  }
}
