package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write txn of a {@link KvStore} (etcd {@code storeTxnWrite}, {@code mvcc/kvstore_txn.go}): holds
 * the store's {@code mu} shared and the backend's batch tx from open to {@link #end()}. Its changes
 * get main revision {@code beginRev + 1}; sub revisions count the changes.
 *
 * <p>Not thread-safe; confined to the thread that opened it.
 */
final class StoreTxnWrite extends StoreTxnRead implements TxnWrite {
  private static final Logger LOG = LoggerFactory.getLogger(StoreTxnWrite.class);

  private final KvBackend.WriteTx tx;
  private final long beginRev;
  private final List<KeyValue> changes = new ArrayList<>(4);
  private boolean ended;

  StoreTxnWrite(KvStore s, KvBackend.WriteTx tx, long beginRev) {
    super(s, null, 0, 0);
    this.tx = tx;
    this.beginRev = beginRev;
  }

  @Override
  public long rev() {
    return beginRev;
  }

  @Override
  public RangeResult range(byte[] key, byte[] end, RangeOptions ro) throws MvccException {
    ranges++;
    return rangeKeys(key, end, changes.isEmpty() ? beginRev : beginRev + 1, ro);
  }

  @Override
  KvBackend.Range readRevision(byte[] revKey) {
    return tx.range(KvBackend.KEY_BUCKET, revKey, null, 0);
  }

  @Override
  public long put(byte[] key, byte[] value, long lease) {
    puts++;
    putBytes += key.length + value.length;
    long rev = beginRev + 1;
    long created = rev;
    long oldLease = KeyLeases.NO_LEASE;
    long ver = 0;
    // An existing key keeps its create revision and may carry a lease to move off.
    KeyIndex.Found prev = s.kvindex.find(key, rev);
    if (prev != null) {
      created = prev.created().main();
      ver = prev.version();
      oldLease = s.leases().leaseOf(key);
    }
    Revision idxRev = new Revision(rev, changes.size());
    KeyValue kv =
        KeyValue.newBuilder()
            .setKey(ByteString.copyFrom(key))
            .setValue(ByteString.copyFrom(value))
            .setCreateRevision(created)
            .setModRevision(rev)
            .setVersion(ver + 1)
            .setLease(lease)
            .build();
    tx.seqPut(KvBackend.KEY_BUCKET, idxRev.toBytes(), kv.toByteArray());
    s.kvindex.put(key, idxRev);
    changes.add(kv);

    if (oldLease != KeyLeases.NO_LEASE && !s.leases().detach(oldLease, key)) {
      LOG.error("unexpected error from lease detach: lease {} not found", hex(oldLease));
    }
    if (lease != KeyLeases.NO_LEASE && !s.leases().attach(lease, key)) {
      throw new IllegalStateException("unexpected error from lease Attach");
    }
    return rev;
  }

  @Override
  public DeleteResult deleteRange(byte[] key, byte[] end) {
    deletes++;
    long n = deleteKeys(key, end);
    if (n != 0 || !changes.isEmpty()) {
      return new DeleteResult(n, beginRev + 1);
    }
    return new DeleteResult(0, beginRev);
  }

  private long deleteKeys(byte[] key, byte[] end) {
    long rrev = changes.isEmpty() ? beginRev : beginRev + 1;
    List<byte[]> keys = s.kvindex.range(key, end, rrev).keys();
    for (byte[] k : keys) {
      delete(k);
    }
    return keys.size();
  }

  private void delete(byte[] key) {
    Revision idxRev = new Revision(beginRev + 1, changes.size());
    KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFrom(key)).build();
    tx.seqPut(KvBackend.KEY_BUCKET, idxRev.toTombstoneBytes(), kv.toByteArray());
    try {
      s.kvindex.tombstone(key, idxRev);
    } catch (MvccException e) {
      throw new IllegalStateException("cannot tombstone an existing key: " + e.getMessage(), e);
    }
    changes.add(kv);
    long lease = s.leases().leaseOf(key);
    if (lease != KeyLeases.NO_LEASE && !s.leases().detach(lease, key)) {
      LOG.error("cannot detach key from lease {}: lease not found", hex(lease));
    }
  }

  @Override
  public List<KeyValue> changes() {
    return Collections.unmodifiableList(changes);
  }

  @Override
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    s.counters().add(ranges, puts, deletes, putBytes);
    boolean changed = !changes.isEmpty();
    try {
      // Always, even without changes: the session may hold other writes of the applying entry (a
      // lease revoke deletes the lease in its delete txn), and an entry that changed nothing
      // still moves the index (C5). A no-op for a store that does not track the index.
      s.saveIndex(tx);
      if (changed) {
        // Keep new read txns out until the new revision's data is visible in the backend.
        s.revMu.writeLock().lock();
        s.advanceRev();
      }
      tx.unlock();
    } finally {
      if (changed) {
        s.revMu.writeLock().unlock();
      }
      s.mu.readLock().unlock();
    }
  }

  private static String hex(long id) {
    return String.format("%016x", id);
  }
}
