package io.etcdj.storage.backend;

import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.UnsignedBytes;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * {@link LmdbStore} over an lmdbjava {@link Env} of buffer type {@code T}. The environment is
 * opened with {@code MDB_NOSUBDIR} (one data file plus {@code -lock}) and {@code MDB_NOTLS} (read
 * transactions are not tied to threads). Each bucket is a named database compared with LMDB's
 * default memcmp order, which equals bbolt's unsigned byte order.
 *
 * <p>Threading: see {@link LmdbStore}. {@link #dbis} is replaced (never mutated) after a commit
 * that creates buckets, so readers capture a stable map.
 */
final class TypedLmdbStore<T> implements LmdbStore {
  private static final Comparator<byte[]> ORDER = UnsignedBytes.lexicographicalComparator();

  private final Env<T> env;
  private final Codec<T> codec;
  private volatile ImmutableMap<Bucket, Dbi<T>> dbis;

  private TypedLmdbStore(Env<T> env, Codec<T> codec, ImmutableMap<Bucket, Dbi<T>> dbis) {
    this.env = env;
    this.codec = codec;
    this.dbis = dbis;
  }

  static LmdbStore open(Path file, long mapSize, int maxReaders, Codec<?> codec) {
    return openTyped(file, mapSize, maxReaders, codec);
  }

  private static <T> LmdbStore openTyped(Path file, long mapSize, int maxReaders, Codec<T> codec) {
    Env<T> env =
        Env.create(codec.proxy())
            .setMapSize(mapSize)
            .setMaxDbs(128)
            .setMaxReaders(maxReaders)
            .open(file.toFile(), 0600, EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOTLS);
    try {
      ImmutableMap.Builder<Bucket, Dbi<T>> dbis = ImmutableMap.builder();
      for (byte[] name : env.getDbiNames()) {
        dbis.put(Bucket.fromNameBytes(name), env.openDbi(name));
      }
      return new TypedLmdbStore<>(env, codec, dbis.buildOrThrow());
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  @Override
  public Reader beginRead() {
    // Capture the bucket map before the snapshot: a bucket in the map is then surely in it.
    ImmutableMap<Bucket, Dbi<T>> known = dbis;
    Txn<T> txn;
    try {
      txn = env.txnRead();
    } catch (Env.ReadersFullException e) {
      throw new ReadersFull(e);
    }
    return new TypedReader(txn, known);
  }

  @Override
  public void write(WriteOverlay batch) {
    Map<Bucket, Dbi<T>> all = new HashMap<>(dbis);
    boolean createdAny = false;
    try (Txn<T> txn = env.txnWrite()) {
      for (Bucket b : batch.createdBuckets()) {
        if (!all.containsKey(b)) {
          all.put(b, env.openDbi(txn, b.nameBytes(), null, false, DbiFlags.MDB_CREATE));
          createdAny = true;
        }
      }
      for (Bucket b : batch.writtenBuckets()) {
        Dbi<T> dbi = all.get(b);
        NavigableMap<byte[], WriteOverlay.Version> entries = batch.all(b);
        if (dbi == null || entries == null) {
          throw new IllegalStateException("bucket " + b + " does not exist");
        }
        for (Map.Entry<byte[], WriteOverlay.Version> e : entries.entrySet()) {
          byte[] value = e.getValue().value;
          T k = codec.in(e.getKey());
          T v = value == null ? null : codec.in(value);
          try {
            if (v == null) {
              dbi.delete(txn, k);
            } else {
              dbi.put(txn, k, v);
            }
          } finally {
            // lmdbjava keeps only the native address: the buffers must outlive the call.
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(v);
          }
        }
      }
      txn.commit();
    } catch (Env.MapFullException e) {
      throw new MapFullException(e);
    }
    if (createdAny) {
      dbis = ImmutableMap.copyOf(all);
    }
  }

  @Override
  public Set<Bucket> buckets() {
    return dbis.keySet();
  }

  @Override
  public long mapSize() {
    return env.info().mapSize;
  }

  @Override
  public void setMapSize(long bytes) {
    env.setMapSize(bytes);
  }

  @Override
  public int maxKeySize() {
    return env.getMaxKeySize();
  }

  @Override
  public long pageSize() {
    return env.stat().pageSize;
  }

  @Override
  public long sizeInUse() {
    Stat main = env.stat();
    long pages = 2 + main.branchPages + main.leafPages + main.overflowPages; // 2 meta pages
    try (Txn<T> txn = env.txnRead()) {
      for (Dbi<T> dbi : dbis.values()) {
        Stat s = dbi.stat(txn);
        pages += s.branchPages + s.leafPages + s.overflowPages;
      }
    }
    return pages * main.pageSize;
  }

  @Override
  public void copyTo(Path dest) {
    env.copy(dest.toFile(), CopyFlags.MDB_CP_COMPACT);
  }

  @Override
  public void close() {
    env.close();
  }

  /** One LMDB read transaction plus the bucket handles valid in it. */
  private final class TypedReader implements Reader {
    private final Txn<T> txn;
    private ImmutableMap<Bucket, Dbi<T>> known;
    private boolean closed;

    TypedReader(Txn<T> txn, ImmutableMap<Bucket, Dbi<T>> known) {
      this.txn = txn;
      this.known = known;
    }

    @Override
    public boolean hasBucket(Bucket bucket) {
      return known.containsKey(bucket);
    }

    @Override
    public Collection<Bucket> buckets() {
      List<Bucket> names = new ArrayList<>(known.keySet());
      names.sort((a, b) -> ORDER.compare(a.nameBytes(), b.nameBytes()));
      return names;
    }

    @Override
    public byte @Nullable [] get(Bucket bucket, byte[] key) {
      Dbi<T> dbi = known.get(bucket);
      if (dbi == null) {
        return null;
      }
      T k = codec.in(key);
      try {
        T v = dbi.get(txn, k);
        return v == null ? null : codec.out(v);
      } finally {
        Reference.reachabilityFence(k);
      }
    }

    @Override
    public void scan(Bucket bucket, byte[] from, byte @Nullable [] to, ScanVisitor visitor) {
      Dbi<T> dbi = known.get(bucket);
      if (dbi == null) {
        return;
      }
      T start = codec.in(from);
      try (Cursor<T> c = dbi.openCursor(txn)) {
        boolean found = from.length == 0 ? c.first() : c.get(start, GetOp.MDB_SET_RANGE);
        while (found) {
          byte[] k = codec.out(c.key());
          if (to != null && ORDER.compare(k, to) >= 0) {
            return;
          }
          if (!visitor.visit(k, codec.out(c.val()))) {
            return;
          }
          found = c.next();
        }
      } finally {
        Reference.reachabilityFence(start);
      }
    }

    @Override
    public void refresh() {
      ImmutableMap<Bucket, Dbi<T>> now = dbis;
      txn.reset();
      txn.renew();
      known = now;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        txn.close();
      }
    }
  }
}
