package io.etcdj.storage.bench;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.lease.Lessor;
import io.etcdj.storage.mvcc.ConsistentIndex;
import io.etcdj.storage.mvcc.KeyLeases;
import io.etcdj.storage.mvcc.KvStore;
import io.etcdj.storage.mvcc.KvStoreTestAccess;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.mvcc.RangeOptions;
import io.etcdj.storage.mvcc.RangeResult;
import io.etcdj.storage.mvcc.StoreConfig;
import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * etcd's {@code mvcc/kvstore_bench_test.go} ({@code BenchmarkStorePut}, {@code
 * BenchmarkStoreRangeKey1}) on our {@link KvStore}, same workload: a store over a fresh backend
 * with etcd's defaults (100 ms batch interval, batch limit 10000), no lessor, and a consistent
 * index that always reads 0 (Go's {@code fakeConsistentIndex}).
 *
 * <ul>
 *   <li>{@code BenchmarkStorePut}: per operation one {@code put(key, value, NoLease)} with a fresh
 *       64-byte random key and a fresh 64-byte random value, drawn before the timed region.
 *   <li>{@code BenchmarkStoreRangeKey1}: one 64-byte key is put and the backend committed, then per
 *       operation {@code range(key, null)} at the current revision.
 * </ul>
 *
 * <p>Each JMH iteration gets a new backend and store, like each Go {@code b.N} run. If a put
 * iteration outruns the pre-drawn pool, the pool is refilled inside the timed region (a known,
 * small bias). Go also times its deferred close; JMH's tear-down is not timed.
 *
 * <p>Threading: JMH drives each benchmark from one thread; the state is owned by it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
public class MvccBench {
  /** Key/value pairs drawn ahead of each put iteration. */
  private static final int POOL = 1 << 19;

  /** A store over a new backend in a temp dir (Go's {@code NewDefaultTmpBackend} + NewStore). */
  abstract static class StoreState {
    final SplittableRandom random = new SplittableRandom(20151030L);
    private Path dir;
    private LmdbBackend backend;
    KvStore store;

    void open() throws IOException {
      dir = Files.createTempDirectory("etcd_backend_test");
      backend = LmdbBackend.open(BackendConfig.builder(dir.resolve("database")).build());
      // Go's bench passes a fake consistent index of 0, written by every txn; so does ours.
      store = KvStore.open(backend, (Lessor) null, new ConsistentIndex(), StoreConfig.defaults());
    }

    void close() throws IOException {
      store.close();
      backend.close();
      Files2.deleteRecursively(dir);
    }

    byte[] randomBytes(int n) {
      byte[] b = new byte[n];
      random.nextBytes(b);
      return b;
    }
  }

  /** Fresh keys and values for puts. */
  @State(Scope.Thread)
  public static class PutState extends StoreState {
    private final byte[][] keys = new byte[POOL][];
    private final byte[][] values = new byte[POOL][];
    private int next;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
      open();
      draw();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
      close();
    }

    private void draw() {
      for (int i = 0; i < POOL; i++) {
        keys[i] = randomBytes(64);
        values[i] = randomBytes(64);
      }
      next = 0;
    }

    long putNext() {
      if (next == POOL) {
        draw();
      }
      int i = next++;
      return KvStoreTestAccess.put(store, keys[i], values[i], KeyLeases.NO_LEASE);
    }
  }

  /** One committed key to read back. */
  @State(Scope.Thread)
  public static class RangeKey1State extends StoreState {
    private byte[] key;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
      open();
      key = randomBytes(64);
      KvStoreTestAccess.put(store, key, randomBytes(64), KeyLeases.NO_LEASE);
      // As Go: read from the committed file rather than from the write buffer.
      store.commit();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
      close();
    }
  }

  /** Go: {@code BenchmarkStorePut}. */
  @Benchmark
  public long BenchmarkStorePut(PutState s) {
    return s.putNext();
  }

  /** Go: {@code BenchmarkStoreRangeKey1} ({@code benchmarkStoreRange(b, 1)}). */
  @Benchmark
  public RangeResult BenchmarkStoreRangeKey1(RangeKey1State s) throws MvccException {
    return s.store.range(s.key, null, RangeOptions.DEFAULT);
  }
}
