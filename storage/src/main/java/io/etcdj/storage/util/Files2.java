package io.etcdj.storage.util;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Small file-system helpers shared by the WAL and snapshot code (the counterpart of etcd's {@code
 * pkg/fileutil}): directory fsync, etcd's permission modes, sorted listings.
 *
 * <p>Stateless and thread-safe.
 */
public final class Files2 {
  /** etcd's {@code PrivateFileMode} (0600). */
  public static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** etcd's {@code PrivateDirMode} (0700). */
  public static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");

  private Files2() {}

  /**
   * Flushes a directory's entries to disk so that a rename or create inside it survives a crash
   * (etcd's {@code fileutil.Fsync} on an opened directory). Interrupting the caller neither fails
   * it nor loses the caller's interrupt status.
   */
  public static void fsyncDir(Path dir) throws IOException {
    // A directory cannot be opened as a RandomAccessFile (see UninterruptibleFile), so this takes a
    // throwaway channel. An interrupt can close only that channel, and an fsync is safe to redo:
    // on ClosedByInterruptException we retry with a new one. The caller's interrupt status is
    // cleared for the attempt (a set status would close the channel at once) and restored after.
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
          ch.force(true);
          return;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Creates {@code dir} and missing parents with mode 0700 (etcd's {@code CreateDirAll}). */
  public static void createDirAll(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createDirAll(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Returns the names of the entries of {@code dir}, sorted ascending (Go's {@code ReadDir}). */
  public static List<String> sortedNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  /** Deletes {@code path} and everything under it; a missing path is not an error. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path p : ds) {
          deleteRecursively(p);
        }
      }
    }
    try {
      Files.delete(path);
    } catch (NoSuchFileException ignored) {
      // someone else removed it first; the goal is reached
    }
  }
}
