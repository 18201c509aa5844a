package io.etcdj.storage.backend;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A consistent copy of the whole backend, a valid LMDB data file that {@link LmdbBackend#open} can
 * open once saved (etcd's {@code backend.Snapshot}). Used for raft snapshots and {@code
 * Maintenance.Snapshot}.
 *
 * <p>Threading: one thread at a time. {@link #close()} releases the temporary copy; idempotent.
 */
public interface BackendSnapshot extends AutoCloseable {
  /** Size in bytes of the stream {@link #writeTo} produces. */
  long size();

  /** Writes the whole snapshot; may be called more than once. Returns the bytes written. */
  long writeTo(OutputStream out) throws IOException;

  @Override
  void close();
}
