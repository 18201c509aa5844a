package io.etcdj.storage.bbolt;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.BackendSnapshot;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.backend.SnapshotFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bbolt writer over a backend snapshot, read back by {@link BboltReader}: every bucket and
 * entry in order, the layout bbolt checks on open (meta checksums, page IDs, high-water mark,
 * overflow pages, inline buckets). Go's own bbolt reading these files is covered by the etcdctl
 * snapshot tests in the server module.
 */
class BboltWriterTest {
  @TempDir Path dir;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private LmdbBackend open(String sub) {
    return LmdbBackend.open(
        BackendConfig.builder(dir.resolve(sub).resolve("db")).executor(executor).build());
  }

  private static void put(LmdbBackend be, Bucket bucket, byte[] k, byte[] v) {
    BatchTx tx = be.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(bucket);
      tx.unsafePut(bucket, k, v);
    } finally {
      tx.unlock();
    }
  }

  private static List<String> contents(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    try (BboltReader r = BboltReader.open(file)) {
      r.read(
          new BboltReader.Sink() {
            @Override
            public void bucket(byte[] name) {
              out.add("[" + new String(name, ISO_8859_1) + "]");
            }

            @Override
            public void entry(byte[] key, byte[] value) {
              out.add(
                  new String(key, ISO_8859_1)
                      + "="
                      + value.length
                      + ":"
                      + Integer.toHexString(java.util.Arrays.hashCode(value)));
            }
          });
    }
    return out;
  }

  private Path save(LmdbBackend be, String name) throws IOException {
    Path f = dir.resolve(name);
    try (BackendSnapshot snap = be.snapshot(BboltWriter.create());
        OutputStream out = Files.newOutputStream(f)) {
      long n = snap.writeTo(out);
      assertThat(n).isEqualTo(snap.size());
    }
    return f;
  }

  @Test
  void smallBucketsAreInlinedAndReadBackInOrder() throws Exception {
    try (LmdbBackend be = open("a")) {
      put(be, Bucket.META, "consistent_index".getBytes(ISO_8859_1), new byte[8]);
      put(be, Bucket.KEY, "b".getBytes(ISO_8859_1), "2".getBytes(ISO_8859_1));
      put(be, Bucket.KEY, "a".getBytes(ISO_8859_1), "1".getBytes(ISO_8859_1));
      put(be, Bucket.CLUSTER, "clusterVersion".getBytes(ISO_8859_1), "3.4.0".getBytes(ISO_8859_1));
      Path f = save(be, "small.db");
      assertThat(SnapshotFormat.detect(f)).isEqualTo(SnapshotFormat.BBOLT);
      // meta 0, meta 1, the root leaf; every bucket inline
      assertThat(Files.size(f)).isEqualTo(3 * 4096);
      try (BboltReader r = BboltReader.open(f)) {
        assertThat(r.meta().txid()).isEqualTo(BboltWriter.TXID);
        assertThat(r.meta().highWater()).isEqualTo(3);
        assertThat(r.meta().rootPage()).isEqualTo(2);
        assertThat(r.meta().freelistPage()).isEqualTo(BboltLayout.NO_FREELIST);
      }
      List<String> c = contents(f);
      assertThat(c.get(0)).isEqualTo("[cluster]");
      assertThat(c).containsSubsequence("[key]", "a=1:50", "b=1:51", "[meta]");
    }
  }

  @Test
  void largeBucketsGetBranchLevelsAndOverflowPages() throws Exception {
    Random rnd = new Random(7);
    List<String> expected = new ArrayList<>();
    try (LmdbBackend be = open("b")) {
      for (int i = 0; i < 20_000; i++) {
        byte[] k = String.format("k%08d", i).getBytes(ISO_8859_1);
        byte[] v = new byte[i % 1000 == 0 ? 10_000 : rnd.nextInt(200)];
        rnd.nextBytes(v);
        put(be, Bucket.KEY, k, v);
        expected.add(
            new String(k, ISO_8859_1)
                + "="
                + v.length
                + ":"
                + Integer.toHexString(java.util.Arrays.hashCode(v)));
      }
      Path f = save(be, "large.db");
      List<String> c = contents(f);
      assertThat(c.get(0)).isEqualTo("[key]");
      assertThat(c.subList(1, c.size())).containsExactlyElementsOf(expected);
      // the file is exactly the page count the meta page names
      try (BboltReader r = BboltReader.open(f)) {
        assertThat(Files.size(f)).isEqualTo(r.meta().highWater() * 4096);
        assertThat(r.meta().rootPage()).isEqualTo(r.meta().highWater() - 1);
      }
    }
  }

  @Test
  void everyPassWritesTheSameBytes() throws Exception {
    try (LmdbBackend be = open("c")) {
      for (int i = 0; i < 3000; i++) {
        put(be, Bucket.KEY, ("k" + i).getBytes(ISO_8859_1), new byte[i % 50]);
      }
      try (BackendSnapshot snap = be.snapshot(BboltWriter.create())) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        snap.writeTo(a);
        snap.writeTo(b);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        ByteBuffer meta = ByteBuffer.wrap(a.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(meta.getInt(16)).isEqualTo(0xED0CDAED);
        assertThat(meta.getLong(4096 + 16 + 48)).as("meta 1 txid").isEqualTo(BboltWriter.TXID - 1);
      }
    }
  }

  @Test
  void damagedMetaPagesAreRefused() throws Exception {
    try (LmdbBackend be = open("d")) {
      put(be, Bucket.KEY, "a".getBytes(ISO_8859_1), "1".getBytes(ISO_8859_1));
      Path f = save(be, "bad.db");
      byte[] b = Files.readAllBytes(f);
      b[16 + 20] ^= 1; // meta 0's root page
      b[4096 + 16 + 20] ^= 1; // meta 1's
      Files.write(f, b);
      assertThatThrownBy(() -> BboltReader.open(f)).hasMessage("bbolt: invalid database");
    }
  }
}
