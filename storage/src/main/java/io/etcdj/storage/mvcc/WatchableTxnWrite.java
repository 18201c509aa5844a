package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * A {@link KvStore} write txn whose {@link #end()} goes through the watchable store, so that its
 * changes reach the watchers (etcd's {@code watchableStoreTxnWrite}).
 *
 * <p>Not thread-safe; confined to the thread that opened it, like the txn it wraps.
 */
final class WatchableTxnWrite implements TxnWrite {

  private final WatchableStore store;
  private final TxnWrite tw;
  private boolean ended;

  WatchableTxnWrite(WatchableStore store, TxnWrite tw) {
    this.store = store;
    this.tw = tw;
  }

  @Override
  public long firstRev() {
    return tw.firstRev();
  }

  @Override
  public long rev() {
    return tw.rev();
  }

  @Override
  public RangeResult range(byte[] key, byte[] end, RangeOptions ro) throws MvccException {
    return tw.range(key, end, ro);
  }

  @Override
  public long put(byte[] key, byte[] value, long lease) {
    return tw.put(key, value, lease);
  }

  @Override
  public DeleteResult deleteRange(byte[] key, byte[] end) {
    return tw.deleteRange(key, end);
  }

  @Override
  public List<KeyValue> changes() {
    return tw.changes();
  }

  @Override
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    store.endWrite(
        new PendingWrite() {
          @Override
          public long beginRev() {
            return tw.rev();
          }

          @Override
          public List<KeyValue> changes() {
            return tw.changes();
          }

          @Override
          public void end() {
            tw.end();
          }
        });
  }
}
