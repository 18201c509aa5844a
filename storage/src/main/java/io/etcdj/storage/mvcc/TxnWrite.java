package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * A write transaction (etcd {@code mvcc.TxnWrite}): all its changes get the same main revision
 * {@code rev() + 1} and increasing sub revisions, and become visible together at {@link #end()}.
 * Its own reads see its changes. Write txns are serialised by the backend's batch tx lock.
 *
 * <p>{@link #rev()} is the revision before the txn (etcd {@code beginRev}); {@link #range} reads at
 * {@code rev() + 1} once the txn has changes.
 *
 * <p>This is an interface so that the watchable store can wrap it and publish {@link #changes()} as
 * events in {@code end()} (etcd {@code watchableStoreTxnWrite.End}).
 *
 * <p>Not thread-safe: one thread opens, uses and ends it.
 */
public interface TxnWrite extends TxnRead {
  /**
   * Puts a key. Lease ids are not validated here (etcdserver does); attaching to a lease that does
   * not exist is a bug and throws {@link IllegalStateException}.
   *
   * @return the revision of the change ({@code rev() + 1})
   */
  long put(byte[] key, byte[] value, long lease);

  /** Deletes the keys of {@code [key, end)} ({@code end == null}: just {@code key}). */
  DeleteResult deleteRange(byte[] key, byte[] end);

  /**
   * The changes made so far, in write order: puts as the full stored {@link KeyValue}, deletes as a
   * {@code KeyValue} holding only the key. The list is a read-only view owned by the txn.
   */
  List<KeyValue> changes();
}
