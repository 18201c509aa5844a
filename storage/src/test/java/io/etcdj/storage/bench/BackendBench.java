package io.etcdj.storage.bench;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * etcd's {@code mvcc/backend/backend_bench_test.go} on our LMDB backend, same workload: a backend
 * with a 100 ms batch interval and a batch limit of 10000 (Go's {@code NewTmpBackend}), one bucket
 * {@code test}, and per operation {@code lock(); unsafePut(test, key, value); unlock()} with a
 * fresh 64-byte random key and one 128-byte random value.
 *
 * <p>Go's {@code b.N} loop runs on a new backend each time the framework re-runs it; here every JMH
 * iteration gets a new backend in a new temp dir, and the batch timer runs on the backend's own
 * thread as etcd's commit goroutine does. Keys are drawn before the timed region, as Go fills its
 * {@code keys} slice before {@code b.ResetTimer()}; if an iteration outruns the pre-drawn pool, the
 * pool is refilled inside the timed region (about 20 ns per key, noted as a known bias). Go also
 * times the deferred {@code Close} (its final commit); JMH's tear-down is not timed.
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
public class BackendBench {
  private static final Bucket TEST = new Bucket("test");

  /** Keys drawn ahead of each iteration; enough for roughly a second at 1 µs per put. */
  private static final int KEY_POOL = 1 << 20;

  /** One backend per iteration, like one backend per Go {@code b.N} run. */
  @State(Scope.Thread)
  public static class PutState {
    private final SplittableRandom random = new SplittableRandom(20151030L);
    private final byte[][] keys = new byte[KEY_POOL][];
    private final byte[] value = new byte[128];
    private int next;
    private Path dir;
    private LmdbBackend backend;
    private BatchTx tx;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = Files.createTempDirectory("etcd_backend_test");
      backend =
          LmdbBackend.open(
              BackendConfig.builder(dir.resolve("database"))
                  .batchInterval(Duration.ofMillis(100))
                  .batchLimit(10_000)
                  .build());
      random.nextBytes(value);
      drawKeys();
      tx = backend.batchTx();
      tx.lock();
      try {
        tx.unsafeCreateBucket(TEST);
      } finally {
        tx.unlock();
      }
    }

    private void drawKeys() {
      for (int i = 0; i < keys.length; i++) {
        byte[] k = new byte[64];
        random.nextBytes(k);
        keys[i] = k;
      }
      next = 0;
    }

    byte[] nextKey() {
      if (next == keys.length) {
        drawKeys();
      }
      return keys[next++];
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
      backend.close();
      Files2.deleteRecursively(dir);
    }
  }

  /** Go: {@code BenchmarkBackendPut}. */
  @Benchmark
  public void BenchmarkBackendPut(PutState s) {
    byte[] key = s.nextKey();
    s.tx.lock();
    try {
      s.tx.unsafePut(TEST, key, s.value);
    } finally {
      s.tx.unlock();
    }
  }
}
