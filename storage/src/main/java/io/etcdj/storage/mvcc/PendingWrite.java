package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * A write txn that has made its changes but not yet published its revision, as handed to {@link
 * WatchableStore#endWrite}. Mirrors what etcd's {@code watchableStoreTxnWrite.End} uses of the
 * wrapped {@code TxnWrite}.
 */
interface PendingWrite {

  /** The store revision before this txn (Go {@code TxnWrite.Rev()}). */
  long beginRev();

  /**
   * The changes in write order: puts as the stored key-value, deletes as a key-value with only the
   * key set and {@code create_revision == 0}.
   */
  List<KeyValue> changes();

  /** Commits the txn and publishes its revision as the store's current revision. */
  void end();
}
