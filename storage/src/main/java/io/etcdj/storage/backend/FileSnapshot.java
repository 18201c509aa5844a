package io.etcdj.storage.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackendSnapshot} held as a temporary compacted LMDB copy ({@code db.tmp.*} beside the
 * data file, so etcd-style startup cleanup of {@code db.tmp*} removes leftovers).
 *
 * <p>Threading: one thread at a time.
 */
final class FileSnapshot implements BackendSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(FileSnapshot.class);

  private final Path file;
  private final long size;
  private boolean closed;

  FileSnapshot(Path file) {
    this.file = file;
    try {
      this.size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long writeTo(OutputStream out) throws IOException {
    if (closed) {
      throw new IOException("snapshot closed");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.transferTo(out);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("failed to remove snapshot copy {}", file, e);
    }
  }
}
