package io.etcdj.storage.wal;

import io.etcdj.storage.util.UninterruptibleFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/**
 * One open WAL file: its descriptor and, in write mode, the exclusive lock that marks it as in use
 * (etcd's {@code fileutil.LockedFile}).
 *
 * <p>The lock is a POSIX record lock ({@link FileChannel#tryLock}). Such locks belong to the
 * process and the kernel drops them when <em>any</em> descriptor of the file in this process is
 * closed, so every open and close goes through {@link HeldLocks}, which refuses files locked in
 * this JVM and defers closing other descriptors of a locked file until it is unlocked.
 *
 * <p>All I/O goes through {@link UninterruptibleFile}, so interrupting the owner thread in the
 * middle of a write or sync neither fails it nor closes the descriptor and drops the lock (a plain
 * {@link FileChannel} would be closed by the interrupt).
 *
 * <p>Not thread-safe; owned by its {@link Wal} (or a one-shot reader).
 */
final class Segment implements AutoCloseable {
  private Path path;
  private final UninterruptibleFile file;
  private final FileLock lock;

  /** The file's identity in {@link HeldLocks}. */
  private final Object key;

  private boolean closed;

  private Segment(Path path, UninterruptibleFile file, FileLock lock, Object key) {
    this.path = path;
    this.file = file;
    this.lock = lock;
    this.key = key;
  }

  /**
   * Opens {@code path} read-write (creating it 0600 if asked) and takes its lock without waiting.
   */
  static Segment openLocked(Path path, boolean create) throws IOException {
    if (HeldLocks.isHeld(path)) {
      // Do not even open it: closing our descriptor would drop the holder's lock.
      throw locked(path);
    }
    UninterruptibleFile f =
        create
            ? UninterruptibleFile.openOrCreatePrivate(path)
            : UninterruptibleFile.openForWrite(path);
    Object key;
    FileLock lock;
    try {
      key = HeldLocks.keyOf(path);
      lock = HeldLocks.tryLock(key, f.lockChannel());
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
    if (lock == null) {
      // Locked by another process, or (a race with the check above) by this JVM.
      HeldLocks.closeUnlocked(key, f.lockChannel());
      throw locked(path);
    }
    return new Segment(path, f, lock, key);
  }

  private static WalException locked(Path path) {
    return new WalException(
        WalError.LOCKED,
        path + " (the WAL directory " + path.getParent() + " is in use by another opener)");
  }

  /** Opens {@code path} for reading only, without a lock (etcd's read mode). */
  static Segment openReadOnly(Path path) throws IOException {
    UninterruptibleFile f = UninterruptibleFile.openForRead(path);
    Object key;
    try {
      key = HeldLocks.keyOf(path);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
    return new Segment(path, f, null, key);
  }

  Path path() {
    return path;
  }

  String name() {
    return path.getFileName().toString();
  }

  /** Records the file's new name after a rename; the descriptor and lock are unaffected. */
  void renamedTo(Path newPath) {
    this.path = newPath;
  }

  /** Reads up to {@code len} bytes at {@code position}; -1 at the end of the file. */
  int read(byte[] b, int off, int len, long position) throws IOException {
    return file.read(b, off, len, position);
  }

  /** Writes {@code b[off, off+len)} at {@code position} (without syncing). */
  void write(byte[] b, int off, int len, long position) throws IOException {
    file.write(b, off, len, position);
  }

  long size() throws IOException {
    return file.size();
  }

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException {
    if (file.size() > size) {
      file.setLength(size);
    }
  }

  /**
   * Makes the file at least {@code size} bytes long without writing data (the new bytes read as
   * zero), like etcd's {@code fileutil.Preallocate(f, size, true)}. The extension is sparse: Java
   * has no {@code fallocate}.
   */
  void preallocate(long size) throws IOException {
    if (file.size() < size) {
      file.setLength(size);
    }
  }

  /**
   * Zeroes the file from {@code offset} on while keeping its length (etcd's {@code
   * fileutil.ZeroToEnd}): drops whatever a torn write left after the last good record.
   */
  void zeroToEnd(long offset) throws IOException {
    long size = file.size();
    truncate(offset);
    if (size > offset) {
      preallocate(size);
    }
  }

  /** Flushes written data to stable storage ({@code fsync}; see {@link UninterruptibleFile}). */
  void sync() throws IOException {
    file.sync();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      // A second close must not release a lock someone else has taken on the file since.
      return;
    }
    closed = true;
    // Closing the descriptor also releases the lock.
    if (lock != null) {
      HeldLocks.closeLocked(key, file.lockChannel());
    } else {
      HeldLocks.closeUnlocked(key, file.lockChannel());
    }
  }

  boolean isLocked() {
    return lock != null;
  }
}
