package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.all;
import static io.etcdj.storage.backend.TestBackends.b;
import static io.etcdj.storage.backend.TestBackends.config;
import static io.etcdj.storage.backend.TestBackends.entries;
import static io.etcdj.storage.backend.TestBackends.put;
import static io.etcdj.storage.backend.TestBackends.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbBackendTest {
  @TempDir Path dir;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<Backend> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(Backend::close);
  }

  private LmdbBackend open(BackendConfig.Builder cfg) {
    LmdbBackend be = LmdbBackend.open(cfg.build());
    opened.add(be);
    return be;
  }

  private LmdbBackend open() {
    return open(config(dir, scheduler));
  }

  /** TestBackendPut-style: writes visible to the writer before any commit, and after reopen. */
  @Test
  void reopenAfterCloseKeepsCommittedBucketsAndKeys() {
    LmdbBackend be = open();
    put(be, Bucket.KEY, "a", "1");
    put(be, Bucket.META, "consistent_index", "x");
    be.close();
    be.close(); // idempotent
    LmdbBackend again = open();
    assertThat(readAll(again, Bucket.KEY)).containsExactly("a=1");
    assertThat(readAll(again, Bucket.META)).containsExactly("consistent_index=x");
    assertThat(readAll(again, Bucket.LEASE)).isEmpty();
  }

  /**
   * Status's dbSize: the file less the pages LMDB keeps for its older meta page, never below the
   * pages in use, so a small database does not settle bigger than bbolt's after a defrag.
   */
  @Test
  void sizeLeavesOutThePagesKeptForTheOlderMetaPageButNeverGoesBelowInUse() throws Exception {
    LmdbBackend be = open();
    for (int i = 0; i < 20; i++) {
      put(be, Bucket.META, "consistent_index", Integer.toString(i));
      be.forceCommit();
      long file = java.nio.file.Files.size(dir.resolve("member/snap/db"));
      assertThat(be.size())
          .isEqualTo(Math.max(be.sizeInUse(), file - LmdbBackend.RETAINED_PAGES * 4096L));
      assertThat(be.sizeInUse()).isLessThanOrEqualTo(be.size());
    }
    be.defrag();
    assertThat(be.size()).isEqualTo(be.sizeInUse());
  }

  /** TestBackendClose: closing commits the pending batch. */
  @Test
  void closeCommitsPendingBatch() {
    LmdbBackend be = open();
    put(be, TEST, "k", "v");
    assertThat(be.commits()).isZero();
    be.close();
    assertThat(readAll(open(), TEST)).containsExactly("k=v");
  }

  @Test
  void unsafeMethodsRequireTheLockAndAnExistingBucket() {
    LmdbBackend be = open();
    BatchTx tx = be.batchTx();
    assertThatThrownBy(() -> tx.unsafePut(TEST, b("k"), b("v")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("batch tx lock not held");
    tx.lock();
    try {
      assertThatThrownBy(() -> tx.unsafePut(new Bucket("nope"), b("k"), b("v")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("bucket nope does not exist");
      tx.unsafeCreateBucket(TEST);
      assertThatThrownBy(() -> tx.unsafePut(TEST, new byte[0], b("v")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> tx.unsafePut(TEST, new byte[600], b("v")))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      tx.unlock();
    }
  }

  /** Where the data sits when a range runs: on disk, in the batch, or split between them. */
  enum Layout {
    COMMITTED,
    BUFFERED,
    SPLIT
  }

  private static final String[][] DATA = {
    {"a", "1"},
    {"b", "2"},
    {"c", "3"},
    {"d", "4"},
    {"\u007f", "x"},
    {"\u0080", "y"},
    {"\u00ff", "z"}
  };

  private record RangeCase(String key, String end, long limit, List<String> want) {}

  private static final List<RangeCase> RANGES =
      List.of(
          new RangeCase("a", "", 0, List.of("a=1")),
          new RangeCase("zz", "", 0, List.of()),
          new RangeCase("a", "c", 0, List.of("a=1", "b=2")),
          new RangeCase("a", "c", 1, List.of("a=1")),
          new RangeCase(
              "b",
              "\u00ff\u00ff",
              0,
              List.of("b=2", "c=3", "d=4", "\u007f=x", "\u0080=y", "\u00ff=z")),
          new RangeCase("b", "\u00ff\u00ff", 3, List.of("b=2", "c=3", "d=4")),
          new RangeCase("bb", "d", 0, List.of("c=3")),
          new RangeCase("\u007f", "\u0081", 0, List.of("\u007f=x", "\u0080=y")),
          new RangeCase("e", "f", 0, List.of()),
          new RangeCase("d", "b", 0, List.of()),
          new RangeCase("", "", 0, List.of()),
          new RangeCase("b", "b", 0, List.of()),
          new RangeCase("", "b", 0, List.of("a=1")),
          new RangeCase(
              "\u0001",
              "\u00ff\u00ff",
              -1,
              List.of("a=1", "b=2", "c=3", "d=4", "\u007f=x", "\u0080=y", "\u00ff=z")));

  /** TestBatchTxRange / TestRangeAfterDeleteMatch, over every layout, for writer and reader. */
  @Test
  void rangeOrderEndKeyAndLimitInEveryLayout() {
    for (Layout layout : Layout.values()) {
      Path sub = dir.resolve(layout.name());
      LmdbBackend be = open(config(sub, new ManualScheduler()));
      BatchTx tx = be.batchTx();
      tx.lock();
      try {
        tx.unsafeCreateBucket(TEST);
        for (int i = 0; i < DATA.length; i++) {
          tx.unsafePut(TEST, b(DATA[i][0]), b(DATA[i][1]));
          boolean commitHere = layout == Layout.COMMITTED || (layout == Layout.SPLIT && i % 2 == 0);
          if (commitHere) {
            tx.commit();
          }
        }
        // a key deleted and one overwritten must not leak old versions
        tx.unsafePut(TEST, b("gone"), b("old"));
        tx.commit();
        tx.unsafeDelete(TEST, b("gone"));
        if (layout == Layout.COMMITTED) {
          tx.commit();
        }
        for (RangeCase c : RANGES) {
          assertThat(entries(tx.unsafeRange(TEST, b(c.key), b(c.end), c.limit)))
              .as("%s writer %s", layout, c)
              .isEqualTo(c.want);
        }
      } finally {
        tx.unlock();
      }
      try (ReadTx rtx = be.concurrentReadTx()) {
        for (RangeCase c : RANGES) {
          assertThat(entries(rtx.unsafeRange(TEST, b(c.key), b(c.end), c.limit)))
              .as("%s reader %s", layout, c)
              .isEqualTo(c.want);
        }
        assertThat(rtx.unsafeRange(TEST, b("gone"), null, 0).isEmpty()).isTrue();
        assertThat(all(rtx, TEST)).hasSize(DATA.length);
        assertThat(rtx.unsafeRange(new Bucket("missing"), b("a"), b("z"), 0).isEmpty()).isTrue();
      }
    }
  }

  /** etcd's txReadBuffer write-back: reads after a put in the same batch see the put. */
  @Test
  void readsSeeWritesOfTheUncommittedBatch() {
    LmdbBackend be = open();
    put(be, TEST, "k", "v1");
    BatchTx tx = be.batchTx();
    try (ReadTx before = be.concurrentReadTx()) {
      tx.lock();
      try {
        tx.unsafePut(TEST, b("k"), b("v2"));
        tx.unsafePut(TEST, b("k2"), b("n"));
        // the writer sees its own session at once
        assertThat(entries(tx.unsafeRange(TEST, b("k"), b("l"), 0)))
            .containsExactly("k=v2", "k2=n");
        // a reader opened mid-session does not see it yet: mvcc txns must appear atomically
        try (ReadTx mid = be.concurrentReadTx()) {
          assertThat(all(mid, TEST)).containsExactly("k=v1");
        }
      } finally {
        tx.unlock();
      }
      assertThat(be.commits()).isZero();
      assertThat(readAll(be, TEST)).containsExactly("k=v2", "k2=n");
      assertThat(all(before, TEST)).containsExactly("k=v1");
    }
  }

  @Test
  void readTxKeepsItsSnapshotAcrossCommits() {
    LmdbBackend be = open();
    put(be, TEST, "a", "1");
    be.forceCommit();
    try (ReadTx old = be.concurrentReadTx()) {
      put(be, TEST, "a", "2");
      BatchTx tx = be.batchTx();
      tx.lock();
      tx.unsafeDelete(TEST, b("a"));
      tx.unsafePut(TEST, b("b"), b("3"));
      tx.unlock();
      be.forceCommit();
      put(be, TEST, "c", "4");
      assertThat(all(old, TEST)).containsExactly("a=1");
      assertThat(readAll(be, TEST)).containsExactly("b=3", "c=4");
      assertThat(be.openReadTxN()).isEqualTo(1);
    }
    assertThat(be.openReadTxN()).isZero();
  }

  /** TestBackendBatchIntervalCommit / batch limit. */
  @Test
  void batchCommitsAtLimitOnTimerAndOnForce() {
    LmdbBackend be = open(config(dir, scheduler).batchLimit(5));
    BatchTx tx = be.batchTx();
    tx.lock();
    tx.unsafeCreateBucket(TEST);
    for (int i = 0; i < 3; i++) {
      tx.unsafePut(TEST, b("k" + i), b("v"));
    }
    tx.unlock();
    assertThat(be.commits()).isZero();
    tx.lock();
    tx.unsafePut(TEST, b("k3"), b("v"));
    tx.unsafePut(TEST, b("k4"), b("v"));
    assertThat(be.commits()).as("no commit while the lock is held").isZero();
    tx.unlock();
    assertThat(be.commits()).isEqualTo(1);

    put(be, TEST, "t", "v");
    scheduler.runPeriodicTasks();
    assertThat(be.commits()).isEqualTo(2);
    scheduler.runPeriodicTasks();
    assertThat(be.commits()).as("an empty batch is not committed").isEqualTo(2);

    put(be, TEST, "f", "v");
    be.forceCommit();
    assertThat(be.commits()).isEqualTo(3);
    be.close();
    assertThat(scheduler.liveTasks()).isZero();
  }

  @Test
  void preCommitHookWritesIntoTheCommittingTransaction() {
    LmdbBackend be = open();
    AtomicInteger calls = new AtomicInteger();
    be.setPreCommitHook(
        tx -> {
          tx.unsafeCreateBucket(Bucket.META);
          tx.unsafePut(Bucket.META, b("consistent_index"), b("ci" + calls.incrementAndGet()));
        });
    put(be, TEST, "a", "1");
    be.forceCommit();
    be.forceCommit(); // nothing pending: no hook, no commit
    assertThat(calls.get()).isEqualTo(1);
    assertThat(be.commits()).isEqualTo(1);
    put(be, TEST, "b", "2");
    be.forceCommit();
    assertThat(calls.get()).isEqualTo(2);
    be.close();
    LmdbBackend again = open();
    assertThat(readAll(again, Bucket.META)).containsExactly("consistent_index=ci2");
    assertThat(readAll(again, TEST)).containsExactly("a=1", "b=2");
  }

  /** TestBackendSnapshot. */
  @Test
  void snapshotReopensAsBackendWithEqualContents() throws Exception {
    LmdbBackend be = open();
    for (int i = 0; i < 500; i++) {
      put(be, Bucket.KEY, String.format("%05d", i), "v" + i);
    }
    put(be, Bucket.LEASE, "l", "1");
    Path saved = dir.resolve("recv/db");
    Files.createDirectories(saved.getParent());
    try (BackendSnapshot snap = be.snapshot();
        OutputStream out = Files.newOutputStream(saved)) {
      put(be, Bucket.KEY, "after", "snapshot"); // not in the snapshot
      assertThat(snap.writeTo(out)).isEqualTo(snap.size());
      // whole pages, so etcdctl's "size % 512 == 32" check holds once the sha256 is appended
      assertThat(snap.size() % 4096).isZero();
    }
    LmdbBackend copy = open(config(dir.resolve("recv2"), new ManualScheduler()));
    copy.close();
    Path installed = dir.resolve("recv2/member/snap/db");
    LmdbBackend.installSnapshot(saved, installed);
    LmdbBackend restored = open(config(dir.resolve("recv2"), new ManualScheduler()));
    assertThat(readAll(restored, Bucket.KEY)).hasSize(500).doesNotContain("after=snapshot");
    assertThat(readAll(restored, Bucket.LEASE)).containsExactly("l=1");
    BatchTx tx = be.batchTx();
    tx.lock();
    tx.unsafeDelete(Bucket.KEY, b("after"));
    tx.unlock();
    be.forceCommit();
    assertThat(restored.hash(Set.of())).isEqualTo(be.hash(Set.of()));
  }

  /** TestBackendDefrag. */
  @Test
  void defragKeepsContentsAndShrinksAFragmentedFile() throws Exception {
    LmdbBackend be = open(config(dir, scheduler).batchLimit(100_000));
    byte[] value = new byte[200];
    BatchTx tx = be.batchTx();
    tx.lock();
    tx.unsafeCreateBucket(TEST);
    for (int i = 0; i < 20_000; i++) {
      tx.unsafePut(TEST, b(String.format("key%06d", i)), value);
    }
    tx.unlock();
    be.forceCommit();
    tx.lock();
    for (int i = 0; i < 20_000; i++) {
      if (i % 10 != 0) {
        tx.unsafeDelete(TEST, b(String.format("key%06d", i)));
      }
    }
    tx.unlock();
    be.forceCommit();
    int hash = be.hash(Set.of());
    long size = be.size();
    long inUse = be.sizeInUse();
    assertThat(inUse).isLessThan(size / 2);
    put(be, TEST, "pending", "kept"); // an uncommitted write must survive defrag
    try (ReadTx r = be.concurrentReadTx()) {
      assertThat(r.unsafeRange(TEST, b("pending"), null, 0).size()).isEqualTo(1);
    }
    be.defrag();
    assertThat(be.size()).isLessThan(size / 2);
    assertThat(readAll(be, TEST)).hasSize(2001).contains("pending=kept");
    tx.lock();
    tx.unsafeDelete(TEST, b("pending"));
    tx.unlock();
    be.forceCommit();
    assertThat(be.hash(Set.of())).isEqualTo(hash);
    put(be, TEST, "after", "defrag");
    be.close();
    assertThat(readAll(open(), TEST)).hasSize(2001);
  }

  @Test
  void mapFullGrowsTheMapInsteadOfFailingTheCommit() {
    LmdbBackend be = open(config(dir, scheduler).mapSize(256 * 1024).batchLimit(1_000_000));
    long initial = be.mapSize();
    byte[] value = new byte[1000];
    BatchTx tx = be.batchTx();
    tx.lock();
    tx.unsafeCreateBucket(TEST);
    for (int i = 0; i < 4000; i++) {
      tx.unsafePut(TEST, b(String.format("key%06d", i)), value);
    }
    tx.unlock();
    be.forceCommit();
    assertThat(be.mapSize()).isGreaterThan(initial);
    assertThat(readAll(be, TEST)).hasSize(4000);
    be.close();
    assertThat(readAll(open(config(dir, scheduler).mapSize(256 * 1024)), TEST)).hasSize(4000);
  }

  @Test
  void mapGrowthWaitsForOpenReadersThenCompletes() throws Exception {
    LmdbBackend be = open(config(dir, scheduler).mapSize(128 * 1024).batchLimit(1_000_000));
    put(be, TEST, "seed", "1");
    be.forceCommit();
    byte[] value = new byte[1000];
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> commit;
      try (ReadTx reader = be.concurrentReadTx()) {
        BatchTx tx = be.batchTx();
        tx.lock();
        for (int i = 0; i < 1000; i++) {
          tx.unsafePut(TEST, b(String.format("key%06d", i)), value);
        }
        tx.unlock();
        commit = pool.submit(be::forceCommit);
        assertThatThrownBy(() -> commit.get(300, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);
        assertThat(all(reader, TEST)).containsExactly("seed=1");
      }
      commit.get(30, TimeUnit.SECONDS);
      assertThat(readAll(be, TEST)).hasSize(1001);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writerLockFailsAfterClose() {
    LmdbBackend be = open();
    be.close();
    assertThatThrownBy(() -> be.batchTx().lock()).hasMessage("backend closed");
    assertThatThrownBy(be::concurrentReadTx).hasMessage("backend closed");
  }

  /** TestBackendHash-like: stable across backends with equal contents, sensitive to any byte. */
  @Test
  void hashIsStableAndSensitive() {
    LmdbBackend one = open(config(dir.resolve("one"), new ManualScheduler()));
    LmdbBackend two = open(config(dir.resolve("two"), new ManualScheduler()));
    for (LmdbBackend be : List.of(one, two)) {
      put(be, Bucket.KEY, "k", "v");
      put(be, Bucket.LEASE, "l", "x");
      be.forceCommit();
    }
    put(one, Bucket.META, "consistent_index", "1");
    put(two, Bucket.META, "consistent_index", "2");
    one.forceCommit();
    two.forceCommit();
    Set<IgnoreKey> ignore = Set.of(IgnoreKey.CONSISTENT_INDEX);
    assertThat(one.hash(ignore)).isEqualTo(two.hash(ignore));
    assertThat(one.hash(Set.of())).isNotEqualTo(two.hash(Set.of()));

    CRC32C crc = new CRC32C();
    for (String part : List.of("key", "k", "v", "lease", "l", "x", "meta")) {
      crc.update(b(part));
    }
    assertThat(one.hash(ignore)).isEqualTo((int) crc.getValue());

    put(two, Bucket.LEASE, "l", "y");
    two.forceCommit();
    assertThat(one.hash(ignore)).isNotEqualTo(two.hash(ignore));
  }

  @Test
  void byteBufferProxyBehavesLikeByteArrays() throws Exception {
    LmdbBackend be = open(config(dir, scheduler).bufferKind(BufferKind.BYTE_BUFFER));
    assertThat(be.bufferKind()).isEqualTo(BufferKind.BYTE_BUFFER);
    put(be, TEST, "b", "2");
    put(be, TEST, "a", "1");
    be.forceCommit();
    put(be, TEST, "c", "3");
    try (ReadTx r = be.concurrentReadTx()) {
      assertThat(entries(r.unsafeRange(TEST, b("a"), b("c"), 0))).containsExactly("a=1", "b=2");
      assertThat(entries(r.unsafeRange(TEST, b("c"), null, 0))).containsExactly("c=3");
    }
    try (BackendSnapshot s = be.snapshot()) {
      assertThat(s.writeTo(new ByteArrayOutputStream())).isEqualTo(s.size());
    }
    assertThat(be.sizeInUse()).isPositive();
  }
}
