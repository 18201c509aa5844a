package io.etcdj.storage.backend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for {@link CrashSafetyTest}: commits batch after batch, each setting every key
 * {@code k000..k099} and {@code meta/batch} to the batch number, and prints the number once the
 * commit returned. Runs until killed.
 */
public final class CrashWriterMain {
  private CrashWriterMain() {}

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    try (LmdbBackend be =
        LmdbBackend.open(
            BackendConfig.builder(db)
                .batchInterval(Duration.ofMillis(1))
                .batchLimit(1_000_000)
                .build())) {
      BatchTx tx = be.batchTx();
      long start;
      tx.lock();
      try {
        tx.unsafeCreateBucket(Bucket.META);
        tx.unsafeCreateBucket(Bucket.KEY);
        var got = tx.unsafeRange(Bucket.META, bytes("batch"), null, 0);
        start =
            got.isEmpty() ? 0 : Long.parseLong(new String(got.value(0), StandardCharsets.UTF_8));
      } finally {
        tx.unlock();
      }
      for (long n = start + 1; ; n++) {
        tx.lock();
        try {
          byte[] v = bytes(Long.toString(n));
          for (int i = 0; i < 100; i++) {
            // several lock sessions per batch, committed by the 1 ms timer or by force
            tx.unsafePut(Bucket.KEY, bytes(String.format("k%03d", i)), v);
          }
          tx.unsafePut(Bucket.META, bytes("batch"), v);
        } finally {
          tx.unlock();
        }
        be.forceCommit();
        System.out.println(n);
        System.out.flush();
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
