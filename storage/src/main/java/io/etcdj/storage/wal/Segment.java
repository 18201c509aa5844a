package io.etcdj.storage.wal;

import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * One open WAL file: its channel and, in write mode, the exclusive lock that marks it as in use
 * (etcd's {@code fileutil.LockedFile}).
 *
 * <p>The lock is a POSIX record lock ({@link FileChannel#tryLock}). Such locks belong to the
 * process and the kernel drops them when <em>any</em> descriptor of the file in this process is
 * closed, so every open and close goes through {@link HeldLocks}, which refuses files locked in
 * this JVM and defers closing other descriptors of a locked file until it is unlocked.
 *
 * <p>Not thread-safe; owned by its {@link Wal} (or a one-shot reader).
 */
final class Segment implements AutoCloseable {
  private Path path;
  private final FileChannel channel;
  private final FileLock lock;

  /** The file's identity in {@link HeldLocks}. */
  private final Object key;

  private boolean closed;

  private Segment(Path path, FileChannel channel, FileLock lock, Object key) {
    this.path = path;
    this.channel = channel;
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
    Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (create) {
      opts.add(StandardOpenOption.CREATE);
    }
    FileChannel ch =
        create
            ? FileChannel.open(
                path, opts, PosixFilePermissions.asFileAttribute(Files2.PRIVATE_FILE))
            : FileChannel.open(path, opts);
    Object key;
    FileLock lock;
    try {
      key = HeldLocks.keyOf(path);
      lock = HeldLocks.tryLock(key, ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      // Locked by another process, or (a race with the check above) by this JVM.
      HeldLocks.closeUnlocked(key, ch);
      throw locked(path);
    }
    return new Segment(path, ch, lock, key);
  }

  private static WalException locked(Path path) {
    return new WalException(
        WalError.LOCKED,
        path + " (the WAL directory " + path.getParent() + " is in use by another opener)");
  }

  /** Opens {@code path} for reading only, without a lock (etcd's read mode). */
  static Segment openReadOnly(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    Object key;
    try {
      key = HeldLocks.keyOf(path);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new Segment(path, ch, null, key);
  }

  Path path() {
    return path;
  }

  String name() {
    return path.getFileName().toString();
  }

  FileChannel channel() {
    return channel;
  }

  /** Records the file's new name after a rename; the descriptor and lock are unaffected. */
  void renamedTo(Path newPath) {
    this.path = newPath;
  }

  /**
   * Makes the file at least {@code size} bytes long without writing data (the new bytes read as
   * zero), like etcd's {@code fileutil.Preallocate(f, size, true)}. The extension is sparse: Java
   * has no {@code fallocate}.
   */
  void preallocate(long size) throws IOException {
    if (channel.size() < size) {
      channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
    }
  }

  /**
   * Zeroes the file from {@code offset} on while keeping its length (etcd's {@code
   * fileutil.ZeroToEnd}): drops whatever a torn write left after the last good record.
   */
  void zeroToEnd(long offset) throws IOException {
    long size = channel.size();
    channel.truncate(offset);
    if (size > offset) {
      preallocate(size);
    }
  }

  /** fdatasync. */
  void sync() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      // A second close must not release a lock someone else has taken on the file since.
      return;
    }
    closed = true;
    // Closing the channel also releases the lock.
    if (lock != null) {
      HeldLocks.closeLocked(key, channel);
    } else {
      HeldLocks.closeUnlocked(key, channel);
    }
  }

  boolean isLocked() {
    return lock != null;
  }
}
