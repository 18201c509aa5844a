package io.etcdj.storage.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open LMDB environment of a backend, and who still uses it. Defrag and snapshot install open a
 * new generation and swap it in; the old one stays open until its last user (a {@link ReadTx} or a
 * pinned {@link BackendSnapshot}) lets go, then closes itself. So neither waits for readers.
 *
 * <p>Why generations are opened at a path of their own: LMDB keeps its reader table in {@code
 * <path>-lock}, and two environments of one process on the same lock file wipe each other's reader
 * slots. A new generation is therefore opened where it was built ({@code db.tmp.*}, lock file
 * {@code db.tmp.*-lock}) and only then renamed to the data file; the environment keeps its open
 * file and lock file, and removes that lock file when it closes.
 *
 * <p>Threading: thread-safe. {@link #retain}/{@link #release} count users; the remap lock (read
 * stamps for LMDB calls in flight, the write stamp for map growth) is per generation.
 */
final class Generation {
  private static final Logger LOG = LoggerFactory.getLogger(Generation.class);

  final LmdbStore store;

  /** The lock file LMDB uses for this environment; removed on close if it is not the default. */
  private final Path lockFile;

  private final boolean ownLockFile;
  private final StampedLock remap = new StampedLock();

  /**
   * Taken around every stamp acquisition. A StampedLock lets new readers in while a writer waits,
   * so under overlapping reads map growth would wait forever; with this gate held while waiting for
   * the write stamp, new readers queue behind it, as bbolt's remap (a Go RWMutex) does.
   */
  private final ReentrantLock gate = new ReentrantLock();

  /** The backend's own reference plus one per user; the environment closes at zero. */
  private final AtomicInteger refs = new AtomicInteger(1);

  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  Generation(LmdbStore store, Path openedAt, boolean ownLockFile) {
    this.store = store;
    this.lockFile = openedAt.resolveSibling(openedAt.getFileName() + "-lock");
    this.ownLockFile = ownLockFile;
  }

  /** Adds a user; false if the generation has already closed. */
  boolean retain() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Drops a user (or the backend's own reference); the last one closes the environment. */
  void release() {
    if (refs.decrementAndGet() != 0) {
      return;
    }
    try {
      store.close();
      if (ownLockFile) {
        Files.deleteIfExists(lockFile);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing retired LMDB environment ({}) failed", lockFile, e);
    } finally {
      closed.complete(null);
    }
  }

  /** Completes once the environment has closed. */
  CompletableFuture<Void> closedFuture() {
    return closed;
  }

  long readStamp() {
    gate.lock();
    try {
      return remap.readLock();
    } finally {
      gate.unlock();
    }
  }

  void unlockRead(long stamp) {
    remap.unlockRead(stamp);
  }

  long writeStamp() {
    gate.lock();
    try {
      return remap.writeLock();
    } finally {
      gate.unlock();
    }
  }

  void unlockWrite(long stamp) {
    remap.unlockWrite(stamp);
  }
}
