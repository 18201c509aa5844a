package io.etcdj.storage.wal;

import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
 * closed, so nothing else in the JVM may open a locked segment: the WAL reads through the very
 * channel it locked.
 *
 * <p>Not thread-safe; owned by its {@link Wal} (or a one-shot reader).
 */
final class Segment implements AutoCloseable {
  private Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private Segment(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Opens {@code path} read-write (creating it 0600 if asked) and takes its lock without waiting.
   */
  static Segment openLocked(Path path, boolean create) throws IOException {
    Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (create) {
      opts.add(StandardOpenOption.CREATE);
    }
    FileChannel ch =
        create
            ? FileChannel.open(
                path, opts, PosixFilePermissions.asFileAttribute(Files2.PRIVATE_FILE))
            : FileChannel.open(path, opts);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held by another opener inside this JVM.
      lock = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new WalException(
          WalError.LOCKED,
          path + " (the WAL directory " + path.getParent() + " is in use by another opener)");
    }
    return new Segment(path, ch, lock);
  }

  /** Opens {@code path} for reading only, without a lock (etcd's read mode). */
  static Segment openReadOnly(Path path) throws IOException {
    return new Segment(path, FileChannel.open(path, StandardOpenOption.READ), null);
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
    // Closing the channel also releases the lock.
    channel.close();
  }

  boolean isLocked() {
    return lock != null;
  }
}
