package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.b;
import static io.etcdj.storage.backend.TestBackends.config;
import static io.etcdj.storage.backend.TestBackends.put;
import static io.etcdj.storage.backend.TestBackends.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review: operations that need every read transaction closed (defrag, map growth) must not be
 * starved by a steady stream of overlapping readers. bbolt's remap takes a Go {@code RWMutex} write
 * lock, which stops new readers while it waits; the backend has to do the same, or the writer lock
 * stays held forever and every write blocks.
 */
class ReaderLoadReviewTest {
  @TempDir Path dir;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<Backend> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(Backend::close);
  }

  private LmdbBackend open(BackendConfig.Builder cfg) {
    LmdbBackend be = LmdbBackend.open(cfg.build());
    opened.add(be);
    return be;
  }

  /**
   * Two threads pass a baton of read transactions: each opens its next one before the other closes
   * its current one, so some ReadTx is always open, as on a node serving many ranges. A reader only
   * gives up waiting for the other after {@code patience} (it may be parked behind the exclusive
   * operation).
   */
  private static final class OverlappingReaders implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Semaphore aOpened = new Semaphore(0);
    private final Semaphore bOpened = new Semaphore(0);
    private final Thread a;
    private final Thread b;

    OverlappingReaders(Backend be) throws InterruptedException {
      CompletableFuture<Void> first = new CompletableFuture<>();
      a =
          new Thread(
              () -> {
                ReadTx tx = be.concurrentReadTx();
                first.complete(null);
                try {
                  while (!stop.get()) {
                    await(bOpened);
                    tx.close();
                    tx = be.concurrentReadTx();
                    aOpened.release();
                  }
                } finally {
                  tx.close();
                }
              },
              "reader-a");
      b =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try (ReadTx tx = be.concurrentReadTx()) {
                    bOpened.release();
                    await(aOpened);
                  }
                }
              },
              "reader-b");
      a.start();
      first.join();
      b.start();
    }

    private static void await(Semaphore s) {
      try {
        s.tryAcquire(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      a.join(10_000);
      b.join(10_000);
    }
  }

  @Test
  void defragIsNotStarvedByOverlappingReaders() throws Exception {
    LmdbBackend be = open(config(dir, scheduler));
    put(be, TEST, "k", "v");
    be.forceCommit();
    CompletableFuture<Void> defrag;
    try (OverlappingReaders readers = new OverlappingReaders(be)) {
      defrag =
          CompletableFuture.runAsync(
              () -> {
                try {
                  be.defrag();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertThat(waitFor(defrag, 5_000)).as("defrag finished under read load").isTrue();
    }
    defrag.get(30, TimeUnit.SECONDS);
    assertThat(readAll(be, TEST)).containsExactly("k=v");
  }

  @Test
  void mapGrowthIsNotStarvedByOverlappingReaders() throws Exception {
    LmdbBackend be = open(config(dir, scheduler).mapSize(128 * 1024).batchLimit(1_000_000));
    put(be, TEST, "seed", "1");
    be.forceCommit();
    BatchTx tx = be.batchTx();
    tx.lock();
    try {
      byte[] value = new byte[1000];
      for (int i = 0; i < 1000; i++) {
        tx.unsafePut(TEST, b(String.format("key%06d", i)), value);
      }
    } finally {
      tx.unlock();
    }
    CompletableFuture<Void> commit;
    try (OverlappingReaders readers = new OverlappingReaders(be)) {
      commit = CompletableFuture.runAsync(be::forceCommit);
      assertThat(waitFor(commit, 5_000)).as("growing commit finished under read load").isTrue();
    }
    commit.get(30, TimeUnit.SECONDS);
    assertThat(readAll(be, TEST)).hasSize(1001);
  }

  private static boolean waitFor(CompletableFuture<Void> f, long millis) {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
