package io.etcdj.storage.backend;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers for backend tests. */
final class TestBackends {
  static final Bucket TEST = new Bucket("test");

  private TestBackends() {}

  static BackendConfig.Builder config(Path dir, ManualScheduler scheduler) {
    return BackendConfig.builder(dir.resolve("member/snap/db")).executor(scheduler);
  }

  static byte[] b(String s) {
    return s.getBytes(ISO_8859_1);
  }

  static String s(byte[] b) {
    return new String(b, ISO_8859_1);
  }

  /** Puts and commits under one lock session. */
  static void put(Backend be, Bucket bucket, String key, String value) {
    BatchTx tx = be.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(bucket);
      tx.unsafePut(bucket, b(key), b(value));
    } finally {
      tx.unlock();
    }
  }

  /** "k=v" strings of a range. */
  static List<String> entries(RangeResult r) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      out.add(s(r.key(i)) + "=" + s(r.value(i)));
    }
    return out;
  }

  static List<String> all(BackendReader r, Bucket bucket) {
    List<String> out = new ArrayList<>();
    r.unsafeForEach(bucket, (k, v) -> out.add(s(k) + "=" + s(v)));
    return out;
  }

  static List<String> readAll(Backend be, Bucket bucket) {
    try (ReadTx tx = be.concurrentReadTx()) {
      return all(tx, bucket);
    }
  }
}
