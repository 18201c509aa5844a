package io.etcdj.storage.backend;

/**
 * A read transaction over a consistent snapshot of the backend: everything committed plus every
 * write of the current batch whose {@link BatchTx#unlock()} happened before this transaction was
 * opened (etcd's {@code concurrentReadTx} with its copied {@code txReadBuffer}). Later writes are
 * not seen.
 *
 * <p>Threading: one thread at a time (it may be handed between threads); many ReadTx run
 * concurrently with each other and with the writer. Must be closed promptly: an open ReadTx holds
 * an LMDB reader slot and blocks {@link Backend#defrag()} and map growth (as a bbolt read tx blocks
 * a remap), and while one of those waits, new ReadTx wait behind it. So never take the {@link
 * BatchTx} lock, nor open a second ReadTx, on a thread that holds an open ReadTx.
 */
public interface ReadTx extends BackendReader, AutoCloseable {
  /** Ends the transaction (etcd's {@code RUnlock} on a concurrent read tx). Idempotent. */
  @Override
  void close();
}
