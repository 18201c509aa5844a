package io.etcdj.storage.wal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WAL files this JVM holds an exclusive lock on, and the descriptors of those files whose
 * closing must wait until the lock is released.
 *
 * <p>Why this exists: {@link FileChannel#tryLock} takes a POSIX record lock, which belongs to the
 * whole process, and the kernel drops it as soon as <em>any</em> descriptor of that file in the
 * process is closed. So a read-mode open ({@link Wal#openForRead}, {@link Wal#verify}), or a second
 * {@link Wal#open} that fails with "file already locked", would, on closing its own descriptor,
 * silently unlock the file for other processes (etcd takes OFD locks, which conflict with ours, so
 * another etcd or etcdj could then open the WAL for writing). Here such descriptors are parked
 * until the lock holder closes, and a file known to be locked here is refused before a descriptor
 * is even opened.
 *
 * <p>This is the one piece of static mutable state in the WAL, on purpose: the thing it models (the
 * set of POSIX locks) is itself per process, not per node. Keys are file keys (device and inode),
 * so renames do not matter.
 *
 * <p>Thread-safe: every method holds {@link #MU}; none of them blocks on anything but local file
 * system calls.
 */
final class HeldLocks {
  private static final Object MU = new Object();

  /** Locked file key to the lock holder's descriptor and those whose close waits for the unlock. */
  @GuardedBy("MU")
  private static final Map<Object, Held> HELD = new HashMap<>();

  private record Held(FileChannel holder, List<FileChannel> parked) {}

  private HeldLocks() {}

  /** The identity of the file at {@code path} (device and inode where the platform has them). */
  static Object keyOf(Path path) throws IOException {
    Object k = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    return k != null ? k : path.toAbsolutePath().normalize();
  }

  /** Whether this JVM holds the lock of {@code path}; false if it does not exist. */
  static boolean isHeld(Path path) {
    Object key;
    try {
      key = keyOf(path);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
    synchronized (MU) {
      return live(key) != null;
    }
  }

  /**
   * The entry of {@code key}, dropping it if its holder's channel was closed behind our back (the
   * lock went with it); parked descriptors are closed then. Segments do no I/O through the channel
   * (see {@code UninterruptibleFile}), so an interrupt cannot do this; the check is a safety net.
   */
  @GuardedBy("MU")
  private static Held live(Object key) {
    Held h = HELD.get(key);
    if (h != null && !h.holder().isOpen()) {
      HELD.remove(key);
      for (FileChannel p : h.parked()) {
        try {
          p.close();
        } catch (IOException e) {
          // Nothing to keep safe any more; the descriptor is gone either way.
        }
      }
      return null;
    }
    return h;
  }

  /**
   * Takes the exclusive lock of {@code ch} (the file {@code key}) without waiting; null if this JVM
   * or another process already holds it.
   */
  static FileLock tryLock(Object key, FileChannel ch) throws IOException {
    synchronized (MU) {
      if (live(key) != null) {
        return null;
      }
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return null;
      }
      if (lock != null) {
        HELD.put(key, new Held(ch, new ArrayList<>()));
      }
      return lock;
    }
  }

  /**
   * Closes a descriptor that holds no lock; if this JVM holds the lock of the same file, the close
   * waits until that lock is released (closing now would release it).
   */
  static void closeUnlocked(Object key, FileChannel ch) throws IOException {
    synchronized (MU) {
      Held h = live(key);
      if (h != null) {
        h.parked().add(ch);
        return;
      }
    }
    ch.close();
  }

  /** Closes the descriptor holding the lock of {@code key}, then every descriptor parked on it. */
  static void closeLocked(Object key, FileChannel ch) throws IOException {
    List<FileChannel> parked = null;
    synchronized (MU) {
      Held h = HELD.get(key);
      if (h != null && h.holder() == ch) {
        HELD.remove(key);
        parked = h.parked();
      }
      // Closed under MU so that no other descriptor is parked on a lock that is already gone.
      ch.close();
    }
    IOException first = null;
    if (parked != null) {
      for (FileChannel p : parked) {
        try {
          p.close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
