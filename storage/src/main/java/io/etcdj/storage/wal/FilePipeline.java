package io.etcdj.storage.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Prepares the next WAL segment in the background so that cutting a segment does not wait for space
 * allocation ({@code wal/file_pipeline.go}). Files are named {@code 0.tmp} and {@code 1.tmp}
 * alternately, so the file being handed out never collides with the one being prepared; each is
 * locked, emptied and preallocated to the segment size.
 *
 * <p>{@link #open()} and {@link #close()} are called by the WAL's owner thread; the allocation runs
 * on the given executor, one at a time (the hand-off through {@link Future} orders them).
 */
final class FilePipeline {
  private final Path dir;
  private final long size;
  private final ExecutorService executor;
  private int count;
  private Future<Segment> next;

  FilePipeline(Path dir, long size, ExecutorService executor) {
    this.dir = dir;
    this.size = size;
    this.executor = executor;
    this.next = executor.submit(this::alloc);
  }

  private Segment alloc() throws IOException {
    // count % 2 keeps this file distinct from the one handed out last.
    Path p = dir.resolve((count % 2) + ".tmp");
    Segment s = Segment.openLocked(p, true);
    try {
      // A leftover tmp file from a crash may hold an old header; start from zeros.
      s.truncate(0);
      s.preallocate(size);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    count++;
    return s;
  }

  /** Returns a fresh preallocated, locked file; rename it before calling again. */
  Segment open() throws IOException {
    Segment s = await(next);
    next = executor.submit(this::alloc);
    return s;
  }

  /** Stops preparing and removes the prepared but unused file. */
  void close() throws IOException {
    Segment s;
    try {
      s = await(next);
    } catch (IOException e) {
      return;
    }
    try {
      Files.deleteIfExists(s.path());
    } finally {
      s.close();
    }
  }

  /**
   * Waits for the prepared file without reacting to interrupts: an interrupted owner thread must
   * not fail a segment cut half-way (the old segment is already truncated and synced). The
   * interrupt status is restored for the caller.
   */
  private static Segment await(Future<Segment> f) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("failed to prepare a WAL segment", c);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
