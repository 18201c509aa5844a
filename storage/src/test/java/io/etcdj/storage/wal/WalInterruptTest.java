package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.entry;
import static io.etcdj.storage.wal.WalFixtures.state;
import static io.etcdj.storage.wal.WalFixtures.walFiles;
import static io.etcdj.storage.wal.WalPosixLockReviewTest.otherProcessCanLock;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review C8: interrupting the thread that writes the WAL (a {@code Future.cancel(true)} or {@code
 * shutdownNow()} on the raft loop) must not fail its writes, close a segment or drop the segment's
 * POSIX lock; the interrupt status stays set for the thread to act on. With {@code FileChannel} the
 * first write after the interrupt threw {@code ClosedByInterruptException} and the lock was gone.
 * Go has no thread interrupts; this is a Java-only hazard.
 */
class WalInterruptTest {
  /** Small segments so that the loops below cut several times (allocator hand-off, dir fsync). */
  private static final WalOptions SMALL = new WalOptions(16 * 1024, false);

  private static final String BIG = "i".repeat(700);

  @TempDir Path tmp;

  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "wal-interrupt-test-writer"));

  @AfterEach
  void tearDown() throws Exception {
    writer.shutdown();
    assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private Path walDir() {
    return tmp.resolve("wal");
  }

  /**
   * The writer interrupts itself half-way through every save (after encoding an entry, before the
   * flush, sync and any cut), so every write, sync and cut runs with the status set.
   */
  @Test
  void writerInterruptedMidSaveKeepsWritingAndKeepsTheLock() throws Exception {
    Future<List<Entry>> run =
        writer.submit(
            () -> {
              List<Entry> saved = new ArrayList<>();
              try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
                w.setFaultPointsForTesting(
                    name -> {
                      if (name.equals("saveAfterEntry")) {
                        Thread.currentThread().interrupt();
                      }
                    });
                for (long i = 1; i <= 60; i++) {
                  Entry e = entry(i, 1, BIG);
                  w.save(state(1, 1, i), List.of(e));
                  saved.add(e);
                  assertThat(Thread.currentThread().isInterrupted())
                      .as("interrupt status after save %d", i)
                      .isTrue();
                }
                assertThat(walFiles(walDir())).hasSizeGreaterThan(2);
                assertLockedEverywhere(w);

                // With the status still set, later writes keep working.
                w.setFaultPointsForTesting(FaultPoints.NONE);
                Entry last = entry(61, 1);
                w.save(state(1, 1, 61), List.of(last));
                w.sync();
                saved.add(last);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
              } finally {
                Thread.interrupted();
              }
              return saved;
            });
    List<Entry> saved = run.get(60, TimeUnit.SECONDS);

    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries()).isEqualTo(saved);
    }
  }

  /**
   * Another thread interrupts the writer as fast as it can while it saves, syncs and cuts, so
   * interrupts also land inside the system calls. Every save must succeed.
   */
  @Test
  void writerInterruptedFromAnotherThreadNeverFails() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicBoolean stopped = new AtomicBoolean();
    CompletableFuture<Thread> writerThread = new CompletableFuture<>();
    Future<List<Entry>> run =
        writer.submit(
            () -> {
              writerThread.complete(Thread.currentThread());
              List<Entry> saved = new ArrayList<>();
              Wal w = null;
              try {
                try {
                  w = Wal.create(walDir(), METADATA, SMALL);
                  for (long i = 1; i <= 120; i++) {
                    Entry e = entry(i, 1, BIG);
                    w.save(state(1, 1, i), List.of(e));
                    saved.add(e);
                  }
                } finally {
                  done.set(true);
                }
                while (!stopped.get()) {
                  Thread.onSpinWait();
                }
                Thread.interrupted();
                assertLockedEverywhere(w);
              } finally {
                if (w != null) {
                  w.close();
                }
              }
              return saved;
            });
    Thread target = writerThread.get(30, TimeUnit.SECONDS);
    long interrupts = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.get() && System.nanoTime() < deadline) {
      target.interrupt();
      interrupts++;
      Thread.onSpinWait();
    }
    stopped.set(true);
    List<Entry> saved = run.get(60, TimeUnit.SECONDS);
    assertThat(interrupts).isPositive();
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries()).isEqualTo(saved);
    }
  }

  /** Opening, reading and repairing with the status set work too, and leave it set. */
  @Test
  void openReadAndRepairIgnoreTheInterruptStatus() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 30; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, BIG)));
      }
    }
    // Tear the tail: cut the last segment in the middle of its last record.
    List<String> names = walFiles(walDir());
    Path last = walDir().resolve(names.get(names.size() - 1));
    List<WalFixtures.Frame> frames = WalFixtures.frames(Files.readAllBytes(last));
    long cut = frames.get(frames.size() - 1).offset() + 20;
    try (var ch =
        java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }

    Thread.currentThread().interrupt();
    try {
      assertThat(Wal.repair(walDir())).isTrue();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
        assertThat(w.readAll().entries()).isNotEmpty();
        w.save(state(1, 1, 99), List.of());
        assertLockedEverywhere(w);
      }
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  /** Every segment is still locked, as this JVM sees it and as another process sees it. */
  private void assertLockedEverywhere(Wal w) throws Exception {
    for (String n : walFiles(walDir())) {
      Path seg = walDir().resolve(n);
      if (w.holdsLock(seg)) {
        assertThat(Wal.lockedInThisProcess(seg)).as(n).isTrue();
      }
    }
    List<String> names = walFiles(walDir());
    Path tail = walDir().resolve(names.get(names.size() - 1));
    assertThat(w.holdsLock(tail)).isTrue();
    // Waiting for the child JVM is interruptible: clear the status meanwhile.
    boolean interrupted = Thread.interrupted();
    try {
      assertThat(otherProcessCanLock(tail)).as("another process can lock the tail").isFalse();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
