package io.etcdj.storage.mvcc;

import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.IgnoreKey;
import io.etcdj.storage.backend.ReadTx;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link KvBackend} over the real storage backend ({@code io.etcdj.storage.backend}).
 *
 * <p>Thread-safe as the backend is: the batch tx lock serialises writers; read views are the
 * backend's concurrent read transactions.
 */
final class BackendKv implements KvBackend {
  private static final Set<IgnoreKey> HASH_IGNORES = Set.of(IgnoreKey.CONSISTENT_INDEX);

  private final Backend b;

  BackendKv(Backend b) {
    this.b = b;
  }

  Backend backend() {
    return b;
  }

  private static Bucket bucket(String name) {
    return switch (name) {
      case KEY_BUCKET -> Bucket.KEY;
      case META_BUCKET -> Bucket.META;
      default -> new Bucket(name);
    };
  }

  @Override
  public void createBucket(String name) {
    BatchTx tx = b.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(bucket(name));
    } finally {
      tx.unlock();
    }
  }

  @Override
  public WriteTx lockWrite() {
    BatchTx tx = b.batchTx();
    tx.lock();
    return new Write(tx, true);
  }

  @Override
  public ReadTx openRead() {
    io.etcdj.storage.backend.ReadTx tx = b.concurrentReadTx();
    return new Read(tx);
  }

  @Override
  public void forceCommit() {
    b.forceCommit();
  }

  @Override
  public long hash() {
    return Integer.toUnsignedLong(b.hash(HASH_IGNORES));
  }

  @Override
  public boolean setPreCommitHook(Consumer<WriteTx> hook) {
    b.setPreCommitHook(hook == null ? null : tx -> hook.accept(new Write(tx, false)));
    return true;
  }

  private static Range range(io.etcdj.storage.backend.RangeResult r) {
    return new Range(r.keys(), r.values());
  }

  /** The batch tx as seen by one lock session (or by a pre-commit hook, which must not unlock). */
  private record Write(BatchTx tx, boolean owned) implements WriteTx {
    @Override
    public Range range(String bucket, byte[] key, byte[] end, long limit) {
      return BackendKv.range(tx.unsafeRange(bucket(bucket), key, end, limit));
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
      tx.unsafePut(bucket(bucket), key, value);
    }

    @Override
    public void seqPut(String bucket, byte[] key, byte[] value) {
      tx.unsafeSeqPut(bucket(bucket), key, value);
    }

    @Override
    public void delete(String bucket, byte[] key) {
      tx.unsafeDelete(bucket(bucket), key);
    }

    @Override
    public void unlock() {
      if (!owned) {
        throw new IllegalStateException("a pre-commit hook must not unlock the batch tx");
      }
      tx.unlock();
    }
  }

  private record Read(io.etcdj.storage.backend.ReadTx tx) implements KvBackend.ReadTx {
    @Override
    public Range range(String bucket, byte[] key, byte[] end, long limit) {
      return BackendKv.range(tx.unsafeRange(bucket(bucket), key, end, limit));
    }

    @Override
    public void forEach(String bucket, Visitor visitor) {
      tx.unsafeForEach(bucket(bucket), visitor::visit);
    }

    @Override
    public void close() {
      tx.close();
    }
  }
}
