package io.etcdj.storage.mvcc;

import io.etcdj.storage.lease.TxnDelete;

/**
 * A write txn seen by the lessor's revoke (etcd passes its {@code TxnWrite} as a {@code
 * lease.TxnDelete}): every key of the revoked lease is deleted at one revision.
 *
 * <p>Not thread-safe; confined to the revoking thread, like the txn it wraps.
 */
public final class StoreTxnDelete implements TxnDelete {
  private final TxnWrite tw;

  /** Wraps a write txn (the store's, or the watchable store's so that watchers see the deletes). */
  public StoreTxnDelete(TxnWrite tw) {
    this.tw = tw;
  }

  @Override
  public long deleteRange(byte[] key, byte[] end) {
    return tw.deleteRange(key, end).deleted();
  }

  @Override
  public void end() {
    tw.end();
  }
}
