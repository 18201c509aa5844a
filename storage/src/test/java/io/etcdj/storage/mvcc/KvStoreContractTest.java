package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.KeyValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KV store's behaviour (etcd {@code kv_test.go}, {@code kvstore_test.go}, {@code
 * kvstore_compaction_test.go}), run against each {@link KvBackend}.
 */
abstract class KvStoreContractTest {
  /** Compaction runs inline on the compacting thread: deterministic, no sleeps. */
  static final StoreConfig INLINE = new StoreConfig(1000, 0, Runnable::run);

  /** A new, empty backend; the test closes it through {@link #closeBackends()}. */
  abstract KvBackend newBackend();

  /** The same data after closing and reopening the backend (a restart). */
  abstract KvBackend reopen(KvBackend b);

  /** Commits to disk so far. */
  abstract long commits(KvBackend b);

  abstract void closeBackends();

  private KvBackend be;
  private KvStore s;

  @BeforeEach
  void openStore() {
    be = newBackend();
    s = KvStore.open(be, KeyLeases.NONE, null, INLINE);
  }

  @AfterEach
  void closeStore() {
    s.close();
    closeBackends();
  }

  /** A copy of a bucket's contents, read through a read view. */
  static NavigableMap<byte[], byte[]> bucket(KvBackend b, String name) {
    NavigableMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
    try (KvBackend.ReadTx tx = b.openRead()) {
      tx.forEach(name, m::put);
    }
    return m;
  }

  /** Restarts: closes the store, reopens the backend, opens a store on it. */
  private void restart(KeyLeases le, ConsistentIndex ci) {
    s.close();
    be = reopen(be);
    s = KvStore.open(be, le, ci, INLINE);
  }

  static KeyValue kv(String key, String value, long create, long mod, long ver, long lease) {
    return KeyValue.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value))
        .setCreateRevision(create)
        .setModRevision(mod)
        .setVersion(ver)
        .setLease(lease)
        .build();
  }

  private void putFooBars() {
    s.put(bytes("foo"), bytes("bar"), 1);
    s.put(bytes("foo1"), bytes("bar1"), 2);
    s.put(bytes("foo2"), bytes("bar2"), 3);
  }

  /**
   * etcd mvcc/metrics_txn.go and keysGauge: each range, put and delete-range call counts (a txn of
   * several calls is also one txn), and keys count while they exist, across a restart too.
   */
  @Test
  void txnCallsAndLiveKeysAreCountedAsEtcdsMetricsCountThem() throws Exception {
    s.put(bytes("k"), bytes("v"), 0);
    s.put(bytes("a"), bytes("bc"), 0);
    s.put(bytes("a"), bytes("b"), 0);
    assertThat(s.liveKeys()).isEqualTo(2);
    s.deleteRange(bytes("a"), null);
    s.deleteRange(bytes("nothing"), null);
    s.range(bytes("k"), null, RangeOptions.DEFAULT);
    TxnWrite w = s.write();
    w.range(bytes("k"), null, RangeOptions.DEFAULT);
    w.put(bytes("a"), bytes("b"), 0);
    w.end();
    MvccCounters c = s.counters();
    assertThat(c.puts()).isEqualTo(4);
    assertThat(c.deletes()).isEqualTo(2);
    assertThat(c.ranges()).isEqualTo(2);
    assertThat(c.txns()).isEqualTo(1);
    assertThat(c.putBytes()).isEqualTo(2 + 3 + 2 + 2);
    assertThat(s.liveKeys()).isEqualTo(2);
    s.deleteRange(bytes("a"), null);
    assertThat(s.liveKeys()).isEqualTo(1);
    restart(KeyLeases.NONE, null);
    assertThat(s.liveKeys()).isEqualTo(1);
  }

  /** etcd TestStoreRev. */
  @Test
  void freshStoreIsAtRevisionOneAndEachPutAddsOne() {
    assertThat(s.rev()).isEqualTo(1);
    for (int i = 1; i <= 3; i++) {
      s.put(bytes("foo"), bytes("bar"), 0);
      assertThat(s.rev()).isEqualTo(1 + i);
    }
    assertThat(s.firstRev()).isEqualTo(-1);
  }

  /** Fact sheet 7.4: the stored bytes of put a=b at revision 3, and of its tombstone. */
  @Test
  void keyBucketBytesAreEtcds() {
    s.put(bytes("x"), bytes("1"), 0);
    s.put(bytes("a"), bytes("b"), 0);
    s.deleteRange(bytes("a"), null);
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    byte[] v = bucket(be, "key").get(new Revision(3, 0).toBytes());
    assertThat(hex.encode(v)).isEqualTo("0a01611003180320012a0162");
    byte[] t = bucket(be, "key").get(new Revision(4, 0).toTombstoneBytes());
    assertThat(hex.encode(t)).isEqualTo("0a0161");
  }

  /** etcd TestKVRange / TestKVTxnRange. */
  @Test
  void rangeReturnsKeysOfTheIntervalWithCurrentRevision() throws MvccException {
    putFooBars();
    List<KeyValue> all =
        List.of(
            kv("foo", "bar", 2, 2, 1, 1),
            kv("foo1", "bar1", 3, 3, 1, 2),
            kv("foo2", "bar2", 4, 4, 1, 3));
    Object[][] table = {
      {"foo", null, all.subList(0, 1)},
      {"foo", "foo1", all.subList(0, 1)},
      {"foo", "foo2", all.subList(0, 2)},
      {"foo", "foo3", all},
      {"foo3", "foo8", List.of()},
      {"\0", "", all},
      {"foo1", "", all.subList(1, 3)},
    };
    for (Object[] row : table) {
      byte[] end = row[1] == null ? null : bytes((String) row[1]);
      RangeResult r = s.range(bytes((String) row[0]), end, RangeOptions.DEFAULT);
      assertThat(r.kvs()).as("%s..%s", row[0], row[1]).isEqualTo(row[2]);
      assertThat(r.rev()).isEqualTo(4);
      try (TxnRead tr = s.read()) {
        assertThat(tr.range(bytes((String) row[0]), end, RangeOptions.DEFAULT).kvs())
            .isEqualTo(row[2]);
      }
    }
  }

  /** etcd TestKVRangeRev. */
  @Test
  void rangeAtPastRevisionSeesHistoryAndReportsCurrentRevision() throws MvccException {
    putFooBars();
    List<KeyValue> all =
        List.of(
            kv("foo", "bar", 2, 2, 1, 1),
            kv("foo1", "bar1", 3, 3, 1, 2),
            kv("foo2", "bar2", 4, 4, 1, 3));
    long[] revs = {-1, 0, 1, 2, 3, 4};
    List<?>[] want = {all, all, List.of(), all.subList(0, 1), all.subList(0, 2), all};
    for (int i = 0; i < revs.length; i++) {
      RangeResult r = s.range(bytes("foo"), bytes("foo3"), new RangeOptions(0, revs[i], false));
      assertThat(r.kvs()).as("rev %d", revs[i]).isEqualTo(want[i]);
      assertThat(r.rev()).isEqualTo(4);
    }
  }

  /** etcd TestKVRangeBadRev. */
  @Test
  void rangeBelowCompactionOrAboveCurrentFails() throws Exception {
    putFooBars();
    s.compact(4).get();
    for (long rev : new long[] {1, 2, 3}) {
      assertThatThrownBy(() -> s.range(bytes("foo"), bytes("foo3"), RangeOptions.atRev(rev)))
          .as("rev %d", rev)
          .isInstanceOf(MvccException.class)
          .hasMessage("mvcc: required revision has been compacted");
    }
    assertThat(s.range(bytes("foo"), bytes("foo3"), RangeOptions.atRev(4)).count()).isEqualTo(3);
    assertThatThrownBy(() -> s.range(bytes("foo"), bytes("foo3"), RangeOptions.atRev(100)))
        .hasMessage("mvcc: required revision is a future revision")
        .extracting(e -> ((MvccException) e).error())
        .isEqualTo(MvccError.FUTURE_REV);
  }

  /** etcd TestKVRangeLimit, plus count-only reads. */
  @Test
  void limitCutsKeyValuesButCountStaysTotal() throws MvccException {
    putFooBars();
    long[] limits = {1, 2, 0, -1, 3, 100};
    int[] want = {1, 2, 3, 3, 3, 3};
    for (int i = 0; i < limits.length; i++) {
      RangeResult r = s.range(bytes("foo"), bytes("foo3"), new RangeOptions(limits[i], 0, false));
      assertThat(r.kvs()).as("limit %d", limits[i]).hasSize(want[i]);
      assertThat(r.count()).isEqualTo(3);
      assertThat(r.rev()).isEqualTo(4);
    }
    RangeResult c = s.range(bytes("foo"), bytes("foo3"), new RangeOptions(1, 3, true));
    assertThat(c.kvs()).isEmpty();
    assertThat(c.count()).isEqualTo(2);
    assertThat(c.rev()).isEqualTo(4);
  }

  @Test
  void keysOnlyDropsValuesButKeepsEverythingElse() throws MvccException {
    putFooBars();
    RangeResult r = s.range(bytes("foo"), bytes("foo3"), new RangeOptions(2, 3, false, true));
    assertThat(r.kvs()).containsExactly(kv("foo", "", 2, 2, 1, 1), kv("foo1", "", 3, 3, 1, 2));
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.rev()).isEqualTo(4);
  }

  /** etcd TestKVPutMultipleTimes. */
  @Test
  void putsOfOneKeyRaiseVersionAndKeepCreateRevision() throws MvccException {
    for (int i = 0; i < 10; i++) {
      long base = i + 1L;
      long rev = s.put(bytes("foo"), bytes("bar"), base);
      assertThat(rev).isEqualTo(base + 1);
      RangeResult r = s.range(bytes("foo"), null, RangeOptions.DEFAULT);
      assertThat(r.kvs()).containsExactly(kv("foo", "bar", 2, base + 1, base, base));
    }
  }

  /** etcd TestKVDeleteRange. */
  @Test
  void deleteRangeCountsDeletedKeysAndBumpsRevisionOnlyIfAny() {
    Object[][] table = {
      {"foo", null, 1L, 5L},
      {"foo", "foo1", 1L, 5L},
      {"foo", "foo2", 2L, 5L},
      {"foo", "foo3", 3L, 5L},
      {"foo3", "foo8", 0L, 4L},
      {"foo3", null, 0L, 4L},
    };
    for (Object[] row : table) {
      try (KvStore fresh = KvStore.open(newBackend(), KeyLeases.NONE, null, INLINE)) {
        s.close();
        s = fresh;
        putFooBars();
        byte[] end = row[1] == null ? null : bytes((String) row[1]);
        assertThat(s.deleteRange(bytes((String) row[0]), end))
            .as("%s..%s", row[0], row[1])
            .isEqualTo(new DeleteResult((Long) row[2], (Long) row[3]));
      }
    }
  }

  /** etcd TestKVDeleteMultipleTimes. */
  @Test
  void deletingDeletedKeyChangesNothing() {
    s.put(bytes("foo"), bytes("bar"), 0);
    assertThat(s.deleteRange(bytes("foo"), null)).isEqualTo(new DeleteResult(1, 3));
    for (int i = 0; i < 10; i++) {
      assertThat(s.deleteRange(bytes("foo"), null)).isEqualTo(new DeleteResult(0, 3));
    }
    assertThat(s.rev()).isEqualTo(3);
  }

  /** etcd TestKVOperationInSequence. */
  @Test
  void putThenDeleteRepeatedlyRecreatesTheKey() throws MvccException {
    for (int i = 0; i < 10; i++) {
      long base = i * 2L + 1;
      assertThat(s.put(bytes("foo"), bytes("bar"), 0)).isEqualTo(base + 1);
      RangeResult r = s.range(bytes("foo"), null, RangeOptions.atRev(base + 1));
      assertThat(r.kvs()).containsExactly(kv("foo", "bar", base + 1, base + 1, 1, 0));
      assertThat(s.deleteRange(bytes("foo"), null)).isEqualTo(new DeleteResult(1, base + 2));
      r = s.range(bytes("foo"), null, RangeOptions.atRev(base + 2));
      assertThat(r.kvs()).isEmpty();
      assertThat(r.rev()).isEqualTo(base + 2);
    }
  }

  /** etcd TestKVTxnOperationInSequence: one revision for all changes of a txn. */
  @Test
  void txnSeesOwnChangesAtNextRevision() throws MvccException {
    for (int i = 0; i < 10; i++) {
      long base = i + 1L;
      try (TxnWrite tw = s.write()) {
        assertThat(tw.rev()).isEqualTo(base);
        assertThat(tw.range(bytes("foo"), null, RangeOptions.DEFAULT).rev()).isEqualTo(base);
        assertThat(tw.put(bytes("foo"), bytes("bar"), 0)).isEqualTo(base + 1);
        RangeResult r = tw.range(bytes("foo"), null, RangeOptions.atRev(base + 1));
        assertThat(r.kvs()).containsExactly(kv("foo", "bar", base + 1, base + 1, 1, 0));
        assertThat(r.rev()).isEqualTo(base + 1);
        assertThat(tw.deleteRange(bytes("foo"), null)).isEqualTo(new DeleteResult(1, base + 1));
        r = tw.range(bytes("foo"), null, RangeOptions.atRev(base + 1));
        assertThat(r.kvs()).isEmpty();
        assertThat(tw.changes())
            .containsExactly(
                kv("foo", "bar", base + 1, base + 1, 1, 0),
                KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("foo")).build());
      }
      assertThat(s.rev()).isEqualTo(base + 1);
    }
    // Sub revisions number the changes of one txn.
    assertThat(bucket(be, "key").containsKey(new Revision(11, 1).toTombstoneBytes())).isTrue();
  }

  @Test
  void txnWithoutChangesKeepsRevision() throws MvccException {
    s.put(bytes("foo"), bytes("bar"), 0);
    try (TxnWrite tw = s.write()) {
      tw.range(bytes("foo"), null, RangeOptions.DEFAULT);
      assertThat(tw.deleteRange(bytes("nope"), null)).isEqualTo(new DeleteResult(0, 2));
    }
    assertThat(s.rev()).isEqualTo(2);
  }

  @Test
  void readTxnKeepsItsRevisionWhileWritesContinue() throws Exception {
    s.put(bytes("foo"), bytes("v1"), 0);
    try (TxnRead tr = s.read()) {
      CompletableFuture.runAsync(() -> s.put(bytes("foo"), bytes("v2"), 0))
          .get(10, TimeUnit.SECONDS);
      assertThat(tr.rev()).isEqualTo(2);
      assertThat(tr.range(bytes("foo"), null, RangeOptions.DEFAULT).kvs())
          .containsExactly(kv("foo", "v1", 2, 2, 1, 0));
    }
    assertThat(s.range(bytes("foo"), null, RangeOptions.DEFAULT).kvs())
        .containsExactly(kv("foo", "v2", 2, 3, 2, 0));
  }

  /** etcd TestKVTxnBlockWriteOperations / TestKVTxnNonBlockRange. */
  @Test
  void openWriteTxnBlocksOtherWritesButNotReads() throws Exception {
    CompletableFuture<Long> put;
    try (TxnWrite tw = s.write()) {
      tw.put(bytes("a"), bytes("1"), 0);
      put = CompletableFuture.supplyAsync(() -> s.put(bytes("foo"), bytes("bar"), 0));
      RangeResult r =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return s.range(bytes("a"), null, RangeOptions.DEFAULT);
                    } catch (MvccException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      assertThat(r.kvs()).isEmpty();
      assertThat(put).isNotDone();
    }
    assertThat(put.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  /** etcd TestKVCompactReserveLastValue. */
  @Test
  void compactionKeepsTheValueVisibleAtTheCompactedRevision() throws Exception {
    s.put(bytes("foo"), bytes("bar0"), 1);
    s.put(bytes("foo"), bytes("bar1"), 2);
    s.deleteRange(bytes("foo"), null);
    s.put(bytes("foo"), bytes("bar2"), 3);
    Object[][] table = {
      {1L, List.of(kv("foo", "bar0", 2, 2, 1, 1))},
      {2L, List.of(kv("foo", "bar1", 2, 3, 2, 2))},
      {3L, List.of()},
      {4L, List.of(kv("foo", "bar2", 5, 5, 1, 3))},
    };
    for (Object[] row : table) {
      long rev = (Long) row[0];
      s.compact(rev).get();
      assertThat(s.range(bytes("foo"), null, RangeOptions.atRev(rev + 1)).kvs())
          .as("after compact(%d)", rev)
          .isEqualTo(row[1]);
    }
    // Only the live value is left in the backend; the tombstone at 4 went with its generation.
    assertThat(bucket(be, "key")).containsOnlyKeys(Revision.of(5).toBytes());
  }

  /** etcd TestKVCompactBad. */
  @Test
  void compactRejectsCompactedAndFutureRevisions() throws Exception {
    for (int i = 0; i < 3; i++) {
      s.put(bytes("foo"), bytes("bar" + i), 0);
    }
    s.compact(0).get();
    s.compact(1).get();
    assertThatThrownBy(() -> s.compact(1)).hasMessage("mvcc: required revision has been compacted");
    s.compact(4).get();
    assertThatThrownBy(() -> s.compact(5))
        .hasMessage("mvcc: required revision is a future revision");
    assertThatThrownBy(() -> s.compact(100))
        .hasMessage("mvcc: required revision is a future revision");
    assertThat(s.compactRev()).isEqualTo(4);
    assertThat(s.firstRev()).isEqualTo(4);
    s.compactBarrier().get(10, TimeUnit.SECONDS);
  }

  @Test
  void compactionMarksAreWrittenToMeta() throws Exception {
    putFooBars();
    s.compact(3).get();
    assertThat(bucket(be, "meta").get(bytes("scheduledCompactRev")))
        .isEqualTo(Revision.of(3).toBytes());
    assertThat(bucket(be, "meta").get(bytes("finishedCompactRev")))
        .isEqualTo(Revision.of(3).toBytes());
  }

  /** etcd TestScheduleCompaction: deletion goes in batches, each committed. */
  @Test
  void compactionDeletesInBatchesOfTheConfiguredSize() throws Exception {
    s.close();
    s = KvStore.open(be, KeyLeases.NONE, null, new StoreConfig(10, 0, Runnable::run));
    for (int i = 0; i < 95; i++) {
      s.put(bytes("k"), bytes("v" + i), 0);
    }
    long commitsBefore = commits(be);
    s.compact(90).get();
    // Revisions 2..90 are scanned: 8 full batches of 10, each committed, then the last 9; one
    // more commit made the scheduled compaction durable first.
    assertThat(commits(be) - commitsBefore).isEqualTo(8 + 1);
    assertThat(bucket(be, "key")).hasSize(7);
    assertThat(
            s.range(bytes("k"), null, RangeOptions.atRev(90))
                .kvs()
                .get(0)
                .getValue()
                .toStringUtf8())
        .isEqualTo("v88");
  }

  /** etcd TestStoreRestore / TestKVRestore: reopening rebuilds the same index and revisions. */
  @Test
  void reopenRebuildsIndexRevisionsAndLeases() throws Exception {
    RecordingLeases leases = new RecordingLeases(1, 2, 3);
    s.close();
    s = KvStore.open(be, leases, null, INLINE);
    s.put(bytes("foo"), bytes("bar0"), 1);
    s.put(bytes("foo"), bytes("bar1"), 2);
    s.put(bytes("foo"), bytes("bar2"), 3);
    s.put(bytes("foo2"), bytes("bar0"), 1);
    s.put(bytes("gone"), bytes("x"), 1);
    s.deleteRange(bytes("gone"), null);
    s.put(bytes("nolease"), bytes("x"), 3);
    s.put(bytes("nolease"), bytes("y"), 0);
    s.compact(3).get();
    List<RangeResult> before = rangesAtEveryRev(s);
    s.close();

    RecordingLeases leases2 = new RecordingLeases(1, 2, 3);
    be = reopen(be);
    s = KvStore.open(be, leases2, null, INLINE);
    assertThat(s.rev()).isEqualTo(9);
    assertThat(s.compactRev()).isEqualTo(3);
    assertThat(rangesAtEveryRev(s)).isEqualTo(before);
    assertThat(leases2.attached)
        .containsOnly(
            java.util.Map.entry(ByteString.copyFromUtf8("foo"), 3L),
            java.util.Map.entry(ByteString.copyFromUtf8("foo2"), 1L));
    // Versions continue where they were.
    s.put(bytes("foo"), bytes("bar3"), 0);
    assertThat(s.range(bytes("foo"), null, RangeOptions.DEFAULT).kvs())
        .containsExactly(kv("foo", "bar3", 2, 10, 4, 0));
  }

  private static List<RangeResult> rangesAtEveryRev(KvStore s) throws MvccException {
    List<RangeResult> out = new java.util.ArrayList<>();
    for (long rev = Math.max(1, s.compactRev()); rev <= s.rev(); rev++) {
      out.add(s.range(bytes("\0"), new byte[0], RangeOptions.atRev(rev)));
    }
    return out;
  }

  /** etcd TestRestoreDelete. */
  @Test
  void reopenAfterDeletesKeepsOnlyLiveKeys() throws MvccException {
    java.util.Map<String, String> live = new java.util.TreeMap<>();
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 20; i++) {
      String k = "k" + i;
      s.put(bytes(k), bytes("v" + i), 0);
      live.put(k, "v" + i);
      if (rnd.nextBoolean()) {
        s.deleteRange(bytes(k), null);
        live.remove(k);
      }
    }
    long rev = s.rev();
    restart(KeyLeases.NONE, null);
    assertThat(s.rev()).isEqualTo(rev);
    RangeResult r = s.range(bytes("k"), bytes("l"), RangeOptions.DEFAULT);
    assertThat(r.kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList())
        .containsExactlyElementsOf(live.keySet());
  }

  /** etcd TestRestoreContinueUnfinishedCompaction, "recreate" and "restore". */
  @Test
  void unfinishedCompactionResumesOnReopenAndOnRestore() throws MvccException {
    for (boolean viaRestore : new boolean[] {false, true}) {
      KvBackend b = newBackend();
      KvStore s0 = KvStore.open(b, KeyLeases.NONE, null, INLINE);
      s0.put(bytes("foo"), bytes("bar"), 0);
      s0.put(bytes("foo"), bytes("bar1"), 0);
      s0.put(bytes("foo"), bytes("bar2"), 0);
      // A crash right after the compaction was scheduled: the mark is there, nothing deleted.
      KvBackend.WriteTx tx = b.lockWrite();
      tx.put("meta", bytes("scheduledCompactRev"), Revision.of(3).toBytes());
      tx.unlock();
      s0.close();
      KvStore s1;
      if (viaRestore) {
        s0.restore(b);
        s1 = s0;
      } else {
        b = reopen(b);
        s1 = KvStore.open(b, KeyLeases.NONE, null, INLINE);
      }
      try {
        assertThatThrownBy(() -> s1.range(bytes("foo"), null, RangeOptions.atRev(2)))
            .hasMessage("mvcc: required revision has been compacted");
        assertThat(bucket(b, "key").containsKey(Revision.of(2).toBytes())).isFalse();
        assertThat(bucket(b, "key").containsKey(Revision.of(3).toBytes())).isTrue();
        assertThat(bucket(b, "meta").get(bytes("finishedCompactRev")))
            .isEqualTo(Revision.of(3).toBytes());
        assertThat(s1.range(bytes("foo"), null, RangeOptions.atRev(3)).kvs()).hasSize(1);
      } finally {
        s1.close();
      }
    }
  }

  /** etcd TestKVSnapshot / Restore(b): the store takes over another backend's whole history. */
  @Test
  void restoreFromAnotherBackendReplacesIndexAndRevisions() throws Exception {
    KvBackend other = newBackend();
    try (KvStore src = KvStore.open(other, KeyLeases.NONE, null, INLINE)) {
      for (int i = 0; i < 5; i++) {
        src.put(bytes("k" + i), bytes("v" + i), 0);
      }
      src.deleteRange(bytes("k0"), null);
      src.compact(3).get();
    }
    s.put(bytes("mine"), bytes("gone soon"), 0);
    s.restore(other);
    assertThat(s.rev()).isEqualTo(7);
    assertThat(s.compactRev()).isEqualTo(3);
    assertThat(s.range(bytes("k"), bytes("l"), RangeOptions.DEFAULT).kvs())
        .extracting(kv -> kv.getKey().toStringUtf8())
        .containsExactly("k1", "k2", "k3", "k4");
    assertThat(s.range(bytes("mine"), null, RangeOptions.DEFAULT).kvs()).isEmpty();
    assertThat(s.put(bytes("k9"), bytes("x"), 0)).isEqualTo(8);
  }

  @Test
  void restoreStopsCompactionsOfTheOldBackend() throws Exception {
    java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();
    s.close();
    s = KvStore.open(be, KeyLeases.NONE, null, new StoreConfig(1000, 0, queued::add));
    s.put(bytes("a"), bytes("1"), 0);
    s.put(bytes("a"), bytes("2"), 0);
    CompletableFuture<Void> pending = s.compact(2);
    s.restore(newBackend());
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
    assertThatThrownBy(pending::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessage("mvcc: closed");
    assertThat(s.rev()).isEqualTo(1);
  }

  /**
   * Random puts, deletes, multi-op txns, compactions and restarts against a plain model (a copy of
   * the whole key space per revision); every range at every live revision must match it.
   */
  @Test
  void randomHistoryMatchesModel() throws Exception {
    java.util.Random rnd = new java.util.Random(7);
    List<java.util.TreeMap<String, KeyValue>> model = new java.util.ArrayList<>();
    model.add(new java.util.TreeMap<>()); // revision 0 (unused)
    model.add(new java.util.TreeMap<>()); // revision 1: empty store
    long compacted = -1;
    for (int step = 0; step < 300; step++) {
      int op = rnd.nextInt(20);
      if (op == 0 && s.rev() > 2) {
        long c = Math.max(compacted + 1, s.rev() - rnd.nextInt(5));
        if (c <= s.rev()) {
          s.compact(c).get();
          compacted = c;
        }
        continue;
      }
      if (op == 1) {
        restart(KeyLeases.NONE, null);
        continue;
      }
      java.util.TreeMap<String, KeyValue> next =
          new java.util.TreeMap<>(model.get(model.size() - 1));
      long rev = model.size();
      int changes = 0;
      try (TxnWrite tw = s.write()) {
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
          String k = "k" + rnd.nextInt(8);
          if (rnd.nextInt(3) == 0) {
            String end = rnd.nextBoolean() ? null : "k" + (char) (k.charAt(1) + 1 + rnd.nextInt(3));
            long deleted = tw.deleteRange(bytes(k), end == null ? null : bytes(end)).deleted();
            java.util.Map<String, KeyValue> gone =
                end == null
                    ? (next.containsKey(k) ? java.util.Map.of(k, next.get(k)) : java.util.Map.of())
                    : new java.util.TreeMap<>(next.subMap(k, end));
            assertThat(deleted).isEqualTo(gone.size());
            gone.keySet().forEach(next::remove);
            changes += gone.size();
          } else {
            String v = "v" + step + "." + i;
            KeyValue prev = next.get(k);
            tw.put(bytes(k), bytes(v), 0);
            next.put(
                k,
                kv(
                    k,
                    v,
                    prev == null ? rev : prev.getCreateRevision(),
                    rev,
                    prev == null ? 1 : prev.getVersion() + 1,
                    0));
            changes++;
          }
        }
      }
      if (changes > 0) {
        model.add(next);
      }
      assertThat(s.rev()).isEqualTo(model.size() - 1);
    }
    for (long rev = 1; rev < model.size(); rev++) {
      if (rev < compacted) {
        long r = rev;
        assertThatThrownBy(() -> s.range(bytes("k"), bytes("l"), RangeOptions.atRev(r)))
            .hasMessage("mvcc: required revision has been compacted");
        continue;
      }
      assertThat(s.range(bytes("k"), bytes("l"), RangeOptions.atRev(rev)).kvs())
          .as("range at rev %d", rev)
          .containsExactlyElementsOf(model.get((int) rev).values());
    }
  }

  @Test
  void restoreWaitsForTheRunningCompactionToStop() throws Exception {
    s.close();
    // Own compaction thread, small batches with pauses: the job is mid-way when restore comes.
    s = KvStore.open(be, KeyLeases.NONE, null, new StoreConfig(10, 20, null));
    for (int i = 0; i < 300; i++) {
      s.put(bytes("k"), bytes("v" + i), 0);
    }
    KvBackend old = be;
    CompletableFuture<Void> compaction = s.compact(300);
    s.restore(newBackend());
    // Once restore returns, the old backend is no longer touched (etcd's fifoSched.Stop()).
    int left = bucket(old, "key").size();
    assertThatThrownBy(() -> compaction.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessage("mvcc: closed");
    assertThat(bucket(old, "key")).hasSize(left);
    assertThat(left).isGreaterThan(1);
    assertThat(s.rev()).isEqualTo(1);
  }

  /** etcd TestCompactAllAndRestore: compacting away a deleted key keeps the revision on reopen. */
  @Test
  void reopenAfterCompactingEverythingKeepsTheRevision() throws Exception {
    s.put(bytes("foo"), bytes("bar"), 0);
    s.put(bytes("foo"), bytes("bar1"), 0);
    s.put(bytes("foo"), bytes("bar2"), 0);
    s.deleteRange(bytes("foo"), null);
    s.compact(5).get();
    assertThat(bucket(be, "key")).isEmpty();
    restart(KeyLeases.NONE, null);
    assertThat(s.rev()).isEqualTo(5);
    assertThat(s.compactRev()).isEqualTo(5);
    assertThat(s.put(bytes("foo"), bytes("x"), 0)).isEqualTo(6);
  }

  @Test
  void putAndDeleteMoveKeysBetweenLeases() {
    RecordingLeases leases = new RecordingLeases(7, 8);
    s.close();
    s = KvStore.open(be, leases, null, INLINE);
    s.put(bytes("foo"), bytes("a"), 7);
    s.put(bytes("foo"), bytes("b"), 8);
    s.put(bytes("foo"), bytes("c"), 0);
    s.put(bytes("bar"), bytes("c"), 7);
    s.deleteRange(bytes("bar"), null);
    assertThat(leases.calls)
        .containsExactly(
            "attach 7 foo",
            "detach 7 foo",
            "attach 8 foo",
            "detach 8 foo",
            "attach 7 bar",
            "detach 7 bar");
    assertThatThrownBy(() -> s.put(bytes("x"), bytes("y"), 99))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("unexpected error from lease Attach");
  }

  @Test
  void consistentIndexIsSavedWithEachWriteTxn() {
    ConsistentIndex ci = new ConsistentIndex();
    s.close();
    s = KvStore.open(be, KeyLeases.NONE, ci, INLINE);
    ci.setApplying(5);
    s.put(bytes("foo"), bytes("bar"), 0);
    be.forceCommit(); // the batch holding the put carries the index
    assertThat(bucket(be, "meta").get(bytes("consistent_index")))
        .isEqualTo(ByteBuffer.allocate(8).putLong(5).array());
    ci.setApplying(9);
    // No change, but the entry was applied: etcd 3.5 moves the index for every entry (C5).
    s.deleteRange(bytes("nope"), null);
    assertThat(s.consistentIndex()).isEqualTo(9);
    ci.setApplying(10);
    s.commit();
    assertThat(s.consistentIndex()).isEqualTo(10);
    restart(KeyLeases.NONE, new ConsistentIndex());
    assertThat(s.consistentIndex()).isEqualTo(10);
  }

  /** etcd TestKVHash: the same writes give the same backend hash. */
  @Test
  void backendHashIsDeterministic() {
    long[] hashes = new long[3];
    for (int i = 0; i < 3; i++) {
      try (KvStore kv = KvStore.open(newBackend(), KeyLeases.NONE, null, INLINE)) {
        kv.put(bytes("foo0"), bytes("bar0"), 0);
        kv.put(bytes("foo1"), bytes("bar0"), 0);
        KvHash h = kv.hash();
        hashes[i] = h.hash();
        assertThat(h.currentRev()).isEqualTo(3);
      }
    }
    assertThat(hashes[1]).isEqualTo(hashes[0]);
    assertThat(hashes[2]).isEqualTo(hashes[0]);
  }

  /** etcd TestHashKVZeroRevision. */
  @Test
  void hashAtRevisionZeroEqualsHashAtCurrentRevision() throws Exception {
    for (int i = 2; i < 10; i++) {
      s.put(bytes("foo"), bytes("bar" + i), 0);
    }
    s.compact(5).get();
    KvHash zero = s.hashByRev(0);
    KvHash current = s.hashByRev(s.rev());
    assertThat(zero).isEqualTo(current);
    assertThat(zero.compactRev()).isEqualTo(5);
    assertThatThrownBy(() -> s.hashByRev(5))
        .hasMessage("mvcc: required revision has been compacted");
    assertThatThrownBy(() -> s.hashByRev(100))
        .hasMessage("mvcc: required revision is a future revision");
  }

  /**
   * etcd TestHashKVWhenCompacting: the hash at a revision is the same before the compaction's
   * deletion ran, after it ran, and on a store that never compacted (for revisions above it).
   */
  @Test
  void hashByRevIgnoresWhetherCompactionDeletedYet() throws Exception {
    for (int i = 0; i < 30; i++) {
      s.put(bytes("k" + (i % 3)), bytes("v" + i), 0);
      if (i % 7 == 0) {
        s.deleteRange(bytes("k1"), null);
      }
    }
    long rev = s.rev();
    KvHash atRev = s.hashByRev(rev);
    // Compact index only (simulated: keep revisions but move compactRev) vs fully compacted.
    s.compact(20).get();
    KvHash after = s.hashByRev(rev);
    assertThat(after.hash()).isEqualTo(hashAfterCompaction(rev, 20));
    assertThat(after.compactRev()).isEqualTo(20);
    assertThat(atRev.hash()).isNotEqualTo(after.hash());
  }

  /** Replays the same writes in a fresh store with a scheduled-but-not-run compaction at c. */
  private long hashAfterCompaction(long rev, long c) throws MvccException {
    KvBackend b = newBackend();
    KvStore t = KvStore.open(b, KeyLeases.NONE, null, INLINE);
    for (int i = 0; i < 30; i++) {
      t.put(bytes("k" + (i % 3)), bytes("v" + i), 0);
      if (i % 7 == 0) {
        t.deleteRange(bytes("k1"), null);
      }
    }
    t.close();
    // Scheduled but never executed: compactRev moves only on reopen, and the reopened store
    // computes the hash with the keep set before or after running the deletion; both must agree.
    KvBackend.WriteTx tx = b.lockWrite();
    tx.put("meta", bytes("finishedCompactRev"), Revision.of(c).toBytes());
    tx.unlock();
    KvStore u = KvStore.open(reopen(b), KeyLeases.NONE, null, INLINE);
    try {
      return u.hashByRev(rev).hash();
    } finally {
      u.close();
    }
  }

  @Test
  void compactFutureFailsAfterCloseAndBarrierCompletes() throws Exception {
    s.put(bytes("foo"), bytes("bar"), 0);
    s.close();
    KvStore owned = KvStore.open(newBackend(), KeyLeases.NONE, null, StoreConfig.defaults());
    try {
      owned.put(bytes("a"), bytes("b"), 0);
      owned.put(bytes("a"), bytes("c"), 0);
      owned.compact(2).get(10, TimeUnit.SECONDS);
      owned.compactBarrier().get(10, TimeUnit.SECONDS);
    } finally {
      owned.close();
    }
    assertThatThrownBy(() -> owned.compact(3).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MvccException.class);
  }
}
