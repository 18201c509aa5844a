package io.etcdj.storage.util;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file for positional reads and writes that interrupting the calling thread cannot close.
 *
 * <p>Why: {@link FileChannel} is an {@link java.nio.channels.InterruptibleChannel}. If a thread is
 * interrupted while it is in a channel operation, or enters one with its interrupt status set, the
 * channel is closed ({@link java.nio.channels.ClosedByInterruptException}). For a WAL segment that
 * closes the descriptor holding the segment's POSIX lock, so the lock is gone and another process
 * may open the WAL for writing; for a snapshot being loaded it makes a good file look broken. A
 * stray {@code Future.cancel(true)} or {@code shutdownNow()} on the raft loop must not do that.
 *
 * <p>How: all I/O goes through {@link RandomAccessFile}'s own methods ({@code seek}, {@code read},
 * {@code write}, {@code setLength}, {@code length}) and {@link java.io.FileDescriptor#sync()}. They
 * are plain blocking system calls that neither look at nor react to the interrupt status, so the
 * caller's flag is left exactly as it was. The file's channel (the same descriptor) is used only to
 * take the lock: {@link FileChannel#tryLock()} does not react to interrupts either.
 *
 * <p>Alternatives we did not take: clearing the interrupt status around each call does not stop an
 * interrupt that arrives during the call; a dedicated I/O thread costs a thread hand-off on every
 * write and sync; {@code sun.nio.ch.FileChannelImpl.setUninterruptible()} needs {@code
 * --add-exports} and a fallback when it is missing.
 *
 * <p>Cost: {@link #sync()} is {@code fsync}, not the {@code fdatasync} etcd uses, because the JDK
 * has no uninterruptible {@code fdatasync}. It also flushes the inode's timestamps; on ext4 with a
 * WAL segment that is being filled, block allocation already forces that journal commit, and we
 * measured no difference (see bench/README.md).
 *
 * <p>Not thread-safe: positional I/O is a seek followed by a read or write. One owner at a time.
 */
public final class UninterruptibleFile implements Closeable {
  private final Path path;
  private final RandomAccessFile raf;

  private UninterruptibleFile(Path path, RandomAccessFile raf) {
    this.path = path;
    this.raf = raf;
  }

  /** Opens an existing file for reading. */
  public static UninterruptibleFile openForRead(Path path) throws IOException {
    return new UninterruptibleFile(path, new RandomAccessFile(path.toFile(), "r"));
  }

  /** Opens an existing file for reading and writing. */
  public static UninterruptibleFile openForWrite(Path path) throws IOException {
    return new UninterruptibleFile(path, new RandomAccessFile(path.toFile(), "rw"));
  }

  /**
   * Opens {@code path} for reading and writing, first creating it with etcd's private mode 0600 if
   * it does not exist (a file that exists keeps its mode and content).
   */
  public static UninterruptibleFile openOrCreatePrivate(Path path) throws IOException {
    try {
      createPrivate(path);
    } catch (FileAlreadyExistsException e) {
      // Same as CREATE without CREATE_NEW: reuse it.
    }
    return openForWrite(path);
  }

  /** Creates {@code path}, which must not exist, with mode 0600 and opens it for writing. */
  public static UninterruptibleFile createNewPrivate(Path path) throws IOException {
    createPrivate(path);
    return openForWrite(path);
  }

  private static void createPrivate(Path path) throws IOException {
    Files.createFile(path, PosixFilePermissions.asFileAttribute(Files2.PRIVATE_FILE));
  }

  public Path path() {
    return path;
  }

  /**
   * Reads up to {@code len} bytes at file offset {@code position}; returns how many, or -1 at the
   * end of the file.
   */
  public int read(byte[] b, int off, int len, long position) throws IOException {
    raf.seek(position);
    return raf.read(b, off, len);
  }

  /** Writes all of {@code b[off, off+len)} at file offset {@code position}. */
  public void write(byte[] b, int off, int len, long position) throws IOException {
    raf.seek(position);
    raf.write(b, off, len);
  }

  public long size() throws IOException {
    return raf.length();
  }

  /**
   * Sets the file's length to {@code size}, cutting or extending it (new bytes read as zero and
   * take no space: the file is sparse there).
   */
  public void setLength(long size) throws IOException {
    raf.setLength(size);
  }

  /** Flushes the file's data and metadata to stable storage ({@code fsync}). */
  public void sync() throws IOException {
    raf.getFD().sync();
  }

  /**
   * The channel of the same descriptor, for {@link FileChannel#tryLock()} and as the lock's
   * identity. Do no I/O through it: that would make the file interruptible again.
   */
  public FileChannel lockChannel() {
    return raf.getChannel();
  }

  /** Closes the descriptor, which also releases any lock taken through {@link #lockChannel()}. */
  @Override
  public void close() throws IOException {
    raf.close();
  }
}
