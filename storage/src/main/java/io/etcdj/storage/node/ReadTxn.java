package io.etcdj.storage.node;

import com.google.protobuf.ByteString;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.mvcc.RangeOptions;
import io.etcdj.storage.mvcc.RangeResult;
import io.etcdj.storage.mvcc.TxnRead;

/**
 * A serializable read of the store at one revision (etcd's {@code txnRead} as the server's {@code
 * Range} and read-only {@code Txn} use it): every range of it sees the same state.
 *
 * <p>Not thread-safe: opened, used and closed on one thread, promptly (it holds the store's lock
 * shared and a backend reader slot, so a commit, compaction or restore waits for it). Never open
 * one on an event loop: opening can wait behind a commit.
 */
public class ReadTxn implements AutoCloseable {
  private final TxnRead tx;

  ReadTxn(TxnRead tx) {
    this.tx = tx;
  }

  /**
   * Reads a range with etcd's conventions (see {@link KeyRange}): {@code rangeEnd} empty = {@code
   * key} alone, {@code "\0"} = from {@code key} on. {@code ro} gives limit, revision (0 = this
   * txn's), count-only and keys-only; {@code more} and {@code count} are computed, so do not ask
   * for one more than the limit.
   *
   * @throws MvccException {@code COMPACTED} or {@code FUTURE_REV} for {@code ro.rev()}
   */
  public Range range(ByteString key, ByteString rangeEnd, RangeOptions ro) throws MvccException {
    RangeResult r = tx.range(key.toByteArray(), KeyRange.end(rangeEnd), ro);
    boolean more = ro.limit() > 0 && !ro.count() && r.count() > r.kvs().size();
    return new Range(r.kvs(), r.count(), more, r.rev());
  }

  /** The revision this txn reads at by default; a read-only request's header revision. */
  public long rev() {
    return tx.rev();
  }

  /** The compacted revision when the txn opened, -1 if never compacted. */
  public long compactRev() {
    return tx.firstRev();
  }

  /** Ends the txn. Idempotent. */
  @Override
  public void close() {
    tx.end();
  }
}
