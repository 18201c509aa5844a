package io.etcdj.storage.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A read txn of a {@link KvStore} (etcd {@code storeTxnRead}): holds the store's {@code mu} shared
 * and a backend read view from open to {@link #end()}.
 *
 * <p>Not thread-safe; confined to the thread that opened it.
 */
class StoreTxnRead implements TxnRead {
  final KvStore s;
  private final KvBackend.ReadTx tx;
  private final long firstRev;
  private final long rev;
  private boolean ended;

  // calls counted for MvccCounters, added at end()
  int ranges;
  int puts;
  int deletes;
  long putBytes;

  StoreTxnRead(KvStore s, KvBackend.ReadTx tx, long firstRev, long rev) {
    this.s = s;
    this.tx = tx;
    this.firstRev = firstRev;
    this.rev = rev;
  }

  @Override
  public long firstRev() {
    return firstRev;
  }

  @Override
  public long rev() {
    return rev;
  }

  @Override
  public RangeResult range(byte[] key, byte[] end, RangeOptions ro) throws MvccException {
    ranges++;
    return rangeKeys(key, end, rev(), ro);
  }

  /** Reads one stored revision; the write txn reads through its own batch tx instead. */
  KvBackend.Range readRevision(byte[] revKey) {
    return tx.range(KvBackend.KEY_BUCKET, revKey, null, 0);
  }

  final RangeResult rangeKeys(byte[] key, byte[] end, long curRev, RangeOptions ro)
      throws MvccException {
    long atRev = ro.rev();
    if (atRev > curRev) {
      throw new MvccException(MvccError.FUTURE_REV);
    }
    if (atRev <= 0) {
      atRev = curRev;
    }
    if (atRev < s.compactMainRev) {
      throw new MvccException(MvccError.COMPACTED);
    }
    if (ro.count()) {
      return new RangeResult(List.of(), curRev, s.kvindex.countRevisions(key, end, atRev));
    }
    TreeIndex.Revisions found = s.kvindex.revisions(key, end, atRev, ro.limit());
    List<Revision> revs = found.revs();
    if (revs.isEmpty()) {
      return new RangeResult(List.of(), curRev, 0);
    }
    List<KeyValue> kvs = new ArrayList<>(revs.size());
    for (Revision r : revs) {
      KvBackend.Range stored = readRevision(r.toBytes());
      if (stored.values().size() != 1) {
        throw new IllegalStateException("range cannot find rev (" + r.main() + "," + r.sub() + ")");
      }
      try {
        KeyValue kv = KeyValue.parseFrom(stored.values().get(0));
        kvs.add(ro.keysOnly() ? kv.toBuilder().clearValue().build() : kv);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("cannot unmarshal event: " + e.getMessage(), e);
      }
    }
    return new RangeResult(kvs, curRev, found.total());
  }

  @Override
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    s.counters().add(ranges, puts, deletes, putBytes);
    try {
      tx.close();
    } finally {
      s.mu.readLock().unlock();
    }
  }
}
