package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression tests found in review of the KV store (compaction resume, revisions, ranges). */
class KvStoreReviewTest {
  private static final StoreConfig INLINE = KvStoreContractTest.INLINE;

  /**
   * A compaction at the current revision, where that revision is a tombstone, deletes every stored
   * revision of the deleted key. When the deleted keys fill exactly whole batches, the batch that
   * removes them is committed before the one that writes {@code finishedCompactRev}; a crash in
   * between leaves {@code scheduledCompactRev} ahead of every stored revision. Reopening must not
   * move the revision back, or new writes reuse revisions and the resumed compaction fails with
   * ErrFutureRev (etcd issue #17780, fixed after 3.4.23 by PR #17815 in {@code store.restore}).
   */
  @Test
  void reopenAfterCrashMidCompactionOfTombstoneKeepsRevision() throws Exception {
    MemKvBackend b = new MemKvBackend();
    try (KvStore s0 = KvStore.open(b, KeyLeases.NONE, null, INLINE)) {
      s0.put(bytes("a"), bytes("1"), 0); // rev 2
      s0.deleteRange(bytes("a"), null); // rev 3
    }
    // The state after the first (full) batch of a compaction at 3 with batch limit 2 committed.
    KvBackend.WriteTx tx = b.lockWrite();
    try {
      tx.put(KvBackend.META_BUCKET, KvStore.SCHEDULED_COMPACT_KEY, Revision.of(3).toBytes());
      tx.delete(KvBackend.KEY_BUCKET, Revision.of(2).toBytes());
      tx.delete(KvBackend.KEY_BUCKET, Revision.of(3).toTombstoneBytes());
    } finally {
      tx.unlock();
    }
    try (KvStore s1 = KvStore.open(b, KeyLeases.NONE, null, INLINE)) {
      assertThat(s1.rev()).isEqualTo(3);
      assertThat(s1.compactRev()).isEqualTo(3);
      assertThat(s1.put(bytes("b"), bytes("2"), 0)).isEqualTo(4);
      assertThat(
              KvStoreContractTest.bucket(b, KvBackend.META_BUCKET)
                  .get(KvStore.FINISHED_COMPACT_KEY))
          .isEqualTo(Revision.of(3).toBytes());
    }
  }

  private static List<String> keys(RangeResult r) {
    return r.kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
  }

  /** Put, delete, put of one key in one txn: one revision; the last put starts a new life. */
  @Test
  void putDeletePutInOneTxnIsOneRevisionAndRecreatesKey() throws Exception {
    try (KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, INLINE)) {
      s.put(bytes("a"), bytes("0"), 0); // rev 2
      try (TxnWrite tw = s.write()) {
        tw.put(bytes("a"), bytes("1"), 0);
        assertThat(tw.deleteRange(bytes("a"), null)).isEqualTo(new DeleteResult(1, 3));
        assertThat(tw.deleteRange(bytes("a"), null)).isEqualTo(new DeleteResult(0, 3));
        tw.put(bytes("a"), bytes("2"), 0);
        KeyValue in = tw.range(bytes("a"), null, RangeOptions.DEFAULT).kvs().get(0);
        assertThat(in.getCreateRevision()).isEqualTo(3);
        assertThat(in.getVersion()).isEqualTo(1);
      }
      assertThat(s.rev()).isEqualTo(3);
      KeyValue kv = s.range(bytes("a"), null, RangeOptions.DEFAULT).kvs().get(0);
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("2");
      assertThat(kv.getCreateRevision()).isEqualTo(3);
      assertThat(kv.getModRevision()).isEqualTo(3);
      assertThat(s.range(bytes("a"), null, RangeOptions.atRev(2)).kvs().get(0).getVersion())
          .isEqualTo(1);
      // Compacting at that revision keeps only the recreated key.
      s.compact(3).get();
      assertThat(s.range(bytes("a"), null, RangeOptions.atRev(3)).kvs()).containsExactly(kv);
    }
  }

  /** A txn that deletes nothing and puts nothing does not bump the revision. */
  @Test
  void txnWithoutChangesKeepsRevision() throws Exception {
    try (KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, INLINE)) {
      s.put(bytes("a"), bytes("0"), 0);
      assertThat(s.deleteRange(bytes("b"), bytes("z"))).isEqualTo(new DeleteResult(0, 2));
      try (TxnWrite tw = s.write()) {
        tw.range(bytes("a"), new byte[0], RangeOptions.DEFAULT);
      }
      assertThat(s.rev()).isEqualTo(2);
      assertThat(s.put(bytes("c"), bytes("1"), 0)).isEqualTo(3);
    }
  }

  /** Ranges order keys by unsigned bytes; an empty end means every key from {@code key} on. */
  @Test
  void rangesUseUnsignedOrderAndEmptyEndMeansToTheEnd() throws Exception {
    try (KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, INLINE)) {
      byte[] high = {(byte) 0xff, 1};
      s.put(high, bytes("h"), 0);
      s.put(bytes("a"), bytes("1"), 0);
      s.put(bytes("b"), bytes("2"), 0);
      RangeResult all = s.range(bytes("a"), new byte[0], RangeOptions.DEFAULT);
      assertThat(all.kvs()).hasSize(3);
      assertThat(all.kvs().get(2).getKey().toByteArray()).isEqualTo(high);
      assertThat(keys(s.range(bytes("a"), new byte[] {(byte) 0xff}, RangeOptions.DEFAULT)))
          .containsExactly("a", "b");
      // etcd's "\0" end is turned into the empty end by etcdserver; here it is a plain bound.
      assertThat(s.range(bytes("a"), new byte[] {0}, RangeOptions.DEFAULT).kvs()).isEmpty();
      RangeResult limited = s.range(new byte[0], new byte[0], new RangeOptions(2, 0, false));
      assertThat(keys(limited)).containsExactly("a", "b");
      assertThat(limited.count()).isEqualTo(3);
      assertThat(s.range(new byte[0], new byte[0], new RangeOptions(1, 0, true)).count())
          .isEqualTo(3);
      assertThat(s.range(bytes("b"), bytes("a"), RangeOptions.DEFAULT).count()).isZero();
    }
  }

  /** Compaction at a tombstone: the key is gone at and after it; the boundaries and texts. */
  @Test
  void compactionAtTombstoneAndRevisionBoundaries() throws Exception {
    try (KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, INLINE)) {
      s.put(bytes("a"), bytes("1"), 0); // 2
      s.put(bytes("b"), bytes("1"), 0); // 3
      s.deleteRange(bytes("a"), null); // 4
      s.compact(4).get();
      assertThat(keys(s.range(bytes("a"), bytes("z"), RangeOptions.atRev(4)))).containsExactly("b");
      assertThatThrownBy(() -> s.range(bytes("a"), null, RangeOptions.atRev(3)))
          .hasMessage("mvcc: required revision has been compacted");
      assertThatThrownBy(() -> s.range(bytes("a"), null, RangeOptions.atRev(5)))
          .hasMessage("mvcc: required revision is a future revision");
      assertThatThrownBy(() -> s.compact(4))
          .hasMessage("mvcc: required revision has been compacted");
      assertThatThrownBy(() -> s.compact(5))
          .hasMessage("mvcc: required revision is a future revision");
      assertThatThrownBy(() -> s.hashByRev(4))
          .hasMessage("mvcc: required revision has been compacted");
      assertThat(s.put(bytes("a"), bytes("2"), 0)).isEqualTo(5);
      KeyValue a = s.range(bytes("a"), null, RangeOptions.DEFAULT).kvs().get(0);
      assertThat(a.getCreateRevision()).isEqualTo(5);
      assertThat(a.getVersion()).isEqualTo(1);
    }
  }

  /**
   * The index must not keep the caller's key array: a caller that reuses its buffer after a put
   * (say, a decoder's scratch array) would otherwise reorder the index under its lock and make
   * later deletes write tombstones for the wrong key.
   */
  @Test
  void indexDoesNotAliasCallersKeyArray() throws Exception {
    try (KvStore s = KvStore.open(new MemKvBackend(), KeyLeases.NONE, null, INLINE)) {
      byte[] scratch = bytes("b");
      s.put(scratch, bytes("1"), 0);
      scratch[0] = 'z';
      s.put(bytes("c"), bytes("2"), 0);
      assertThat(keys(s.range(bytes("a"), new byte[0], RangeOptions.DEFAULT)))
          .containsExactly("b", "c");
      assertThat(s.deleteRange(bytes("b"), null).deleted()).isEqualTo(1);
      assertThat(keys(s.range(bytes("a"), new byte[0], RangeOptions.DEFAULT))).containsExactly("c");
    }
  }
}
