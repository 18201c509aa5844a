package io.etcdj.storage.auth;

import io.etcdj.storage.backend.BatchTx;
import java.util.function.Consumer;

/**
 * Runs one entry's auth writes in a single backend lock session that also saves the entry's raft
 * index ({@code ApplyTxn.writeBackend}), so a crash never keeps the one without the other (etcd's
 * {@code saveConsistentIndex} in every auth mutation).
 */
@FunctionalInterface
public interface AuthWriter {
  /** Calls {@code writes} with the batch tx locked, then saves the consistent index. */
  void write(Consumer<BatchTx> writes);
}
