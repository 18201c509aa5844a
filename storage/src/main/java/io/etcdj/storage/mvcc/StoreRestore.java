package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index from the backend's {@code key} bucket and re-attaches leases (etcd {@code
 * store.restore}, {@code restoreIntoIndex}, {@code restoreChunk}).
 *
 * <p>Revisions are read in order. A key's first surviving revision is restored as a one-revision
 * generation carrying the stored create revision and version; later revisions replay puts and
 * tombstones. A key whose first surviving revision is a tombstone has no live history and is
 * skipped.
 *
 * <p>Runs once, on the thread restoring the store, which holds the store's {@code mu} exclusively.
 */
final class StoreRestore {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRestore.class);

  /** What was found: last revision seen (1 if none), compaction marks (-1 / 0 if absent). */
  record Result(long lastRev, long finishedCompactRev, long scheduledCompactRev) {}

  private final KvBackend b;
  private final TreeIndex index;
  private final KeyLeases le;

  StoreRestore(KvBackend b, TreeIndex index, KeyLeases le) {
    this.b = b;
    this.index = index;
    this.le = le;
  }

  Result run() {
    long finished = -1;
    long scheduled = 0;
    long lastRev = 1;
    Map<ByteString, KeyIndex> cache = new HashMap<>();
    Map<ByteString, Long> keyToLease = new LinkedHashMap<>();
    KvBackend.WriteTx tx = b.lockWrite();
    try {
      List<byte[]> fin =
          tx.range(KvBackend.META_BUCKET, KvStore.FINISHED_COMPACT_KEY, null, 0).values();
      if (!fin.isEmpty()) {
        finished = Revision.fromBytes(fin.get(0)).main();
      }
      List<byte[]> sch =
          tx.range(KvBackend.META_BUCKET, KvStore.SCHEDULED_COMPACT_KEY, null, 0).values();
      if (!sch.isEmpty()) {
        scheduled = Revision.fromBytes(sch.get(0)).main();
      }
      byte[] min = Revision.of(1).toBytes();
      byte[] max = new Revision(Long.MAX_VALUE, Long.MAX_VALUE).toBytes();
      while (true) {
        KvBackend.Range r = tx.range(KvBackend.KEY_BUCKET, min, max, KvStore.RESTORE_CHUNK_KEYS);
        List<byte[]> keys = r.keys();
        for (int i = 0; i < keys.size(); i++) {
          lastRev = apply(keys.get(i), r.values().get(i), cache, keyToLease);
        }
        if (keys.size() < KvStore.RESTORE_CHUNK_KEYS) {
          break;
        }
        Revision next = Revision.fromBytes(keys.get(keys.size() - 1));
        min = new Revision(next.main(), next.sub() + 1).toBytes();
      }
      for (Map.Entry<ByteString, Long> e : keyToLease.entrySet()) {
        if (!le.attach(e.getValue(), e.getKey().toByteArray())) {
          LOG.warn(
              "failed to attach a lease, lease-id {}: lease not found",
              String.format("%016x", e.getValue()));
        }
      }
    } finally {
      tx.unlock();
    }
    // the cached entries were changed in place after their insert: count the live ones once
    index.recountLive();
    return new Result(lastRev, finished, scheduled);
  }

  private long apply(
      byte[] revKey, byte[] value, Map<ByteString, KeyIndex> cache, Map<ByteString, Long> leases) {
    KeyValue kv;
    try {
      kv = KeyValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot unmarshal event: " + e.getMessage(), e);
    }
    ByteString key = kv.getKey();
    boolean tombstone = Revision.isTombstone(revKey);
    if (tombstone || kv.getLease() == KeyLeases.NO_LEASE) {
      leases.remove(key);
    } else {
      leases.put(key, kv.getLease());
    }
    Revision rev = Revision.fromBytes(revKey);
    KeyIndex ki = cache.get(key);
    if (ki != null) {
      if (tombstone) {
        try {
          ki.tombstone(rev.main(), rev.sub());
        } catch (MvccException e) {
          // A tombstone of an already deleted key: nothing to replay (etcd ignores it too).
        }
      } else {
        ki.put(rev.main(), rev.sub());
      }
    } else if (!tombstone) {
      ki = new KeyIndex(key.toByteArray());
      ki.restore(Revision.of(kv.getCreateRevision()), rev, kv.getVersion());
      index.insert(ki);
      cache.put(key, ki);
    }
    return rev.main();
  }
}
