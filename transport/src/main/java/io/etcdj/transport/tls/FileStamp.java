package io.etcdj.transport.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a file looked like on disk: modification time, size and identity (inode). Two equal stamps
 * mean the file need not be re-read; a file replaced by rename changes identity even within one
 * mtime tick. A missing or unreadable file has the stamp {@link #ABSENT}.
 */
record FileStamp(long mtimeNanos, long size, Object fileKey) {
  static final FileStamp ABSENT = new FileStamp(-1, -1, null);

  static FileStamp of(String path) {
    if (path.isEmpty()) {
      return ABSENT;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(Path.of(path), BasicFileAttributes.class);
      return new FileStamp(
          a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
              + a.lastModifiedTime().toInstant().getNano(),
          a.size(),
          a.fileKey());
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException | RuntimeException e) {
      return ABSENT;
    }
  }
}
