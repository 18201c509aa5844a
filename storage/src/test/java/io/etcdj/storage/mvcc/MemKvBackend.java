package io.etcdj.storage.mvcc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * An in-memory {@link KvBackend} for tests: buckets are sorted maps, writes are visible at once,
 * commits do nothing. Counts commits so tests can see batching.
 *
 * <p>Thread-safe: one write txn at a time (a lock), reads from concurrent maps.
 */
final class MemKvBackend implements KvBackend {
  private final Map<String, ConcurrentSkipListMap<byte[], byte[]>> buckets =
      new ConcurrentSkipListMap<>();
  private final ReentrantLock batchTx = new ReentrantLock();
  final java.util.concurrent.atomic.AtomicInteger commits =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public void createBucket(String bucket) {
    buckets.computeIfAbsent(bucket, n -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
  }

  NavigableMap<byte[], byte[]> bucket(String name) {
    NavigableMap<byte[], byte[]> m = buckets.get(name);
    if (m == null) {
      throw new IllegalStateException("no bucket " + name);
    }
    return m;
  }

  Range rangeOf(String bucket, byte[] key, byte[] end, long limit) {
    NavigableMap<byte[], byte[]> m = bucket(bucket);
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> vals = new ArrayList<>();
    if (end == null) {
      byte[] v = m.get(key);
      if (v != null) {
        keys.add(key);
        vals.add(v);
      }
      return new Range(keys, vals);
    }
    if (Arrays.compareUnsigned(key, end) >= 0) {
      return new Range(keys, vals);
    }
    for (Map.Entry<byte[], byte[]> e : m.subMap(key, true, end, false).entrySet()) {
      if (limit > 0 && keys.size() >= limit) {
        break;
      }
      keys.add(e.getKey());
      vals.add(e.getValue());
    }
    return new Range(keys, vals);
  }

  @Override
  public WriteTx lockWrite() {
    batchTx.lock();
    return new WriteTx() {
      @Override
      public Range range(String bucket, byte[] key, byte[] end, long limit) {
        return rangeOf(bucket, key, end, limit);
      }

      @Override
      public void put(String bucket, byte[] key, byte[] value) {
        bucket(bucket).put(key.clone(), value.clone());
      }

      @Override
      public void seqPut(String bucket, byte[] key, byte[] value) {
        put(bucket, key, value);
      }

      @Override
      public void delete(String bucket, byte[] key) {
        bucket(bucket).remove(key);
      }

      @Override
      public void unlock() {
        batchTx.unlock();
      }
    };
  }

  @Override
  public ReadTx openRead() {
    return new ReadTx() {
      @Override
      public Range range(String bucket, byte[] key, byte[] end, long limit) {
        return rangeOf(bucket, key, end, limit);
      }

      @Override
      public void forEach(String bucket, Visitor visitor) {
        for (Map.Entry<byte[], byte[]> e : bucket(bucket).entrySet()) {
          visitor.visit(e.getKey(), e.getValue());
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void forceCommit() {
    commits.incrementAndGet();
  }

  @Override
  public long hash() {
    CRC32C h = new CRC32C();
    TreeMap<byte[], String> names = new TreeMap<>(Arrays::compareUnsigned);
    for (String n : buckets.keySet()) {
      names.put(n.getBytes(StandardCharsets.UTF_8), n);
    }
    for (Map.Entry<byte[], String> n : names.entrySet()) {
      h.update(n.getKey());
      for (Map.Entry<byte[], byte[]> e : bucket(n.getValue()).entrySet()) {
        if (n.getValue().equals(META_BUCKET)
            && Arrays.equals(e.getKey(), KvStore.CONSISTENT_INDEX_KEY)) {
          continue;
        }
        h.update(e.getKey());
        h.update(e.getValue());
      }
    }
    return h.getValue();
  }
}
