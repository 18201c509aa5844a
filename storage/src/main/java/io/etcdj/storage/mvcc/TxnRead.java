package io.etcdj.storage.mvcc;

/**
 * A read transaction: a consistent view of the store at one revision (etcd {@code mvcc.TxnRead}).
 * Other reads and writes proceed concurrently, but a compaction's bookkeeping waits for it.
 *
 * <p>Not thread-safe: one thread opens, uses and ends it (the store's locks are held by that thread
 * until {@link #end()}).
 */
public interface TxnRead extends AutoCloseable {
  /**
   * The compacted revision when the txn opened (etcd {@code FirstRev}); -1 if never compacted. The
   * oldest revision still readable is this one (when compacted) or 1.
   */
  long firstRev();

  /** The revision the txn reads at by default. */
  long rev();

  /**
   * Reads {@code [key, end)} ({@code end == null}: just {@code key}; empty {@code end}: every key
   * {@code >= key}) at {@code ro.rev()} (or {@link #rev()} if {@code <= 0}).
   *
   * @throws MvccException {@link MvccError#FUTURE_REV} if {@code ro.rev()} is above {@link #rev()};
   *     {@link MvccError#COMPACTED} if it is below the compacted revision
   */
  RangeResult range(byte[] key, byte[] end, RangeOptions ro) throws MvccException;

  /** Ends the txn; a write txn commits its changes as one new revision. */
  void end();

  /** Same as {@link #end()}, for try-with-resources. */
  @Override
  default void close() {
    end();
  }
}
