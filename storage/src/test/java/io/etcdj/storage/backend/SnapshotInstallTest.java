package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.b;
import static io.etcdj.storage.backend.TestBackends.config;
import static io.etcdj.storage.backend.TestBackends.put;
import static io.etcdj.storage.backend.TestBackends.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot as a pinned view (C1), install in place (C2), fatal commit errors (C6), reader slots
 * (§2.2). Mirrors etcd's mvcc/backend TestBackendSnapshot and etcdserver applySnapshot.
 */
class SnapshotInstallTest {
  @TempDir Path dir;

  private LmdbBackend open(String sub) {
    return LmdbBackend.open(config(dir.resolve(sub), new ManualScheduler()).build());
  }

  private static void fill(Backend be, int n, String prefix) {
    for (int i = 0; i < n; i++) {
      put(be, TEST, String.format("%s%06d", prefix, i), "v" + i);
    }
  }

  @Test
  void snapshotIsAPointInTimeViewStreamedInChunksWithSizeKnownUpFront() throws Exception {
    try (LmdbBackend be = open("a")) {
      fill(be, 5000, "k");
      long commitsBefore = be.commits();
      try (BackendSnapshot snap = be.snapshot()) {
        // no copy on disk: only the data file and its lock file beside it
        try (var files = Files.list(be.config.path().getParent())) {
          assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("db.tmp");
        }
        put(be, TEST, "later", "x"); // after the snapshot: not in it
        be.forceCommit();
        assertThat(be.commits()).isGreaterThan(commitsBefore);
        long size = snap.size();
        assertThat(size % 4096).isZero();
        ReadableByteChannel ch = snap.newChannel();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long total = 0;
        int reads = 0;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int n; (n = ch.read(buf)) >= 0; reads++) {
          all.write(buf.array(), 0, n);
          total += n;
          buf.clear();
        }
        assertThat(total).isEqualTo(size);
        assertThat(reads).isGreaterThan(1);
        assertThat(snap.format()).isEqualTo("etcdj-stream-v1");
        Path saved = dir.resolve("7.snap.db");
        Files.write(saved, all.toByteArray());
        assertThat(SnapshotFormat.detect(saved)).isEqualTo(SnapshotFormat.ETCDJ_STREAM);
        try (LmdbBackend other = open("b")) {
          other.installSnapshot(saved);
          assertThat(readAll(other, TEST)).hasSize(5000).doesNotContain("later=x");
        }
      }
    }
  }

  @Test
  void holdingASnapshotBlocksNeitherDefragNorMapGrowth() throws Exception {
    try (LmdbBackend be =
        LmdbBackend.open(
            config(dir.resolve("g"), new ManualScheduler()).mapSize(1 << 20).build())) {
      fill(be, 100, "k");
      try (BackendSnapshot snap = be.snapshot()) {
        long map = be.mapSize();
        fill(be, 20_000, "grow"); // forces MDB_MAP_FULL and a doubling while pinned
        be.forceCommit();
        assertThat(be.mapSize()).isGreaterThan(map);
        be.defrag(); // swaps environments; the snapshot keeps the old one
        assertThat(readAll(be, TEST)).hasSize(20_100);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(snap.writeTo(out)).isEqualTo(snap.size());
        Path saved = dir.resolve("1.snap.db");
        Files.write(saved, out.toByteArray());
        try (LmdbBackend other = open("h")) {
          other.installSnapshot(saved);
          assertThat(readAll(other, TEST)).hasSize(100);
        }
      }
    }
  }

  @Test
  void installSwapsStateInPlaceAndEarlierReadersFinishOnTheOldState() throws Exception {
    Path received = dir.resolve("9.snap.db");
    try (LmdbBackend src = open("src")) {
      put(src, TEST, "new", "1");
      try (BackendSnapshot s = src.snapshot();
          OutputStream out = Files.newOutputStream(received)) {
        s.writeTo(out);
      }
    }
    LmdbBackend be = open("dst");
    put(be, TEST, "old", "1");
    be.forceCommit();
    put(be, TEST, "pending", "1");
    ReadTx before = be.concurrentReadTx();
    be.installSnapshot(received);
    assertThat(TestBackends.all(before, TEST)).containsExactly("old=1", "pending=1");
    before.close();
    assertThat(readAll(be, TEST)).containsExactly("new=1");
    put(be, TEST, "after", "2");
    be.close();
    try (LmdbBackend again = open("dst")) {
      assertThat(readAll(again, TEST)).containsExactly("after=2", "new=1");
    }
  }

  @Test
  void installAcceptsARawLmdbFileAsBeforeAndRefusesGarbage() throws Exception {
    Path raw;
    try (LmdbBackend src = open("raw")) {
      put(src, TEST, "k", "v");
      raw = src.config.path();
    }
    assertThat(SnapshotFormat.detect(raw)).isEqualTo(SnapshotFormat.LMDB);
    Path garbage = dir.resolve("3.snap.db");
    Files.write(garbage, new byte[100]);
    try (LmdbBackend be = open("x")) {
      put(be, TEST, "mine", "1");
      be.installSnapshot(raw);
      assertThat(readAll(be, TEST)).containsExactly("k=v");
      assertThatThrownBy(() -> be.installSnapshot(garbage)).hasMessageContaining("unknown format");
      assertThat(readAll(be, TEST)).containsExactly("k=v");
    }
  }

  @Test
  void corruptStreamIsRefusedByChecksum() throws Exception {
    Path saved = dir.resolve("5.snap.db");
    try (LmdbBackend src = open("c")) {
      fill(src, 10, "k");
      try (BackendSnapshot s = src.snapshot();
          OutputStream out = Files.newOutputStream(saved)) {
        s.writeTo(out);
      }
    }
    byte[] bytes = Files.readAllBytes(saved);
    bytes[40] ^= 1;
    Files.write(saved, bytes);
    try (LmdbBackend be = open("d")) {
      assertThatThrownBy(() -> be.installSnapshot(saved)).hasMessageContaining("checksum");
    }
  }

  /** etcd batch_tx.go: a failed commit is lg.Fatal("failed to commit tx"). */
  @Test
  void failedCommitIsLatchedAndReported() throws Exception {
    AtomicReference<Boolean> fail = new AtomicReference<>(false);
    LmdbBackend be =
        LmdbBackend.open(
            config(dir.resolve("f"), new ManualScheduler()).memberId("8e9e05c52164694d").build(),
            s -> new FailingStore(s, fail));
    AtomicReference<BackendFatalException> told = new AtomicReference<>();
    be.setFatalErrorListener(told::set);
    put(be, TEST, "a", "1");
    fail.set(true);
    assertThatThrownBy(be::forceCommit)
        .isInstanceOf(BackendFatalException.class)
        .hasMessageContaining("local-member-id=8e9e05c52164694d")
        .hasMessageContaining("failed to commit tx");
    fail.set(false);
    assertThat(told.get()).isSameAs(be.fatalError()).isNotNull();
    BatchTx tx = be.batchTx();
    assertThatThrownBy(tx::lock).isSameAs(be.fatalError());
    assertThatThrownBy(tx::commit).isSameAs(be.fatalError());
    assertThatThrownBy(be::snapshot).isSameAs(be.fatalError());
    be.close();
  }

  @Test
  void fullReaderTableIsATypedError() {
    try (LmdbBackend be =
        LmdbBackend.open(config(dir.resolve("r"), new ManualScheduler()).maxReaders(3).build())) {
      put(be, TEST, "a", "1");
      ReadTx r1 = be.concurrentReadTx();
      ReadTx r2 = be.concurrentReadTx();
      assertThatThrownBy(be::concurrentReadTx)
          .isInstanceOf(ReadersFullException.class)
          .hasMessageContaining("MDB_READERS_FULL");
      r1.close();
      r2.close();
      assertThat(readAll(be, TEST)).containsExactly("a=1");
    }
  }

  @Test
  void ownedPutKeepsTheCallersArrays() {
    try (LmdbBackend be = open("o")) {
      BatchTx tx = be.batchTx();
      tx.lock();
      tx.unsafeCreateBucket(TEST);
      tx.unsafePutOwned(TEST, b("k"), b("v"));
      tx.unlock();
      assertThat(readAll(be, TEST)).containsExactly("k=v");
    }
  }

  /** An LmdbStore whose commits fail on demand. */
  private static final class FailingStore implements LmdbStore {
    private final LmdbStore d;
    private final AtomicReference<Boolean> fail;

    FailingStore(LmdbStore d, AtomicReference<Boolean> fail) {
      this.d = d;
      this.fail = fail;
    }

    @Override
    public Reader beginRead() {
      return d.beginRead();
    }

    @Override
    public void write(WriteOverlay batch) {
      if (fail.get()) {
        throw new IllegalStateException("injected: mdb_txn_commit: EIO");
      }
      d.write(batch);
    }

    @Override
    public Set<Bucket> buckets() {
      return d.buckets();
    }

    @Override
    public long mapSize() {
      return d.mapSize();
    }

    @Override
    public void setMapSize(long bytes) {
      d.setMapSize(bytes);
    }

    @Override
    public int maxKeySize() {
      return d.maxKeySize();
    }

    @Override
    public long sizeInUse() {
      return d.sizeInUse();
    }

    @Override
    public void copyTo(Path dest) {
      d.copyTo(dest);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
