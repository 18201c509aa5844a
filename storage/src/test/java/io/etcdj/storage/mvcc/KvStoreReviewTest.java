package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Regression tests found in review of the KV store (compaction resume, revisions, ranges). */
class KvStoreReviewTest {
  private static final StoreConfig INLINE = KvStoreContractTest.INLINE;

  /**
   * A compaction at the current revision, where that revision is a tombstone, deletes every stored
   * revision of the deleted key. When the deleted keys fill exactly whole batches, the batch that
   * removes them is committed before the one that writes {@code finishedCompactRev}; a crash in
   * between leaves {@code scheduledCompactRev} ahead of every stored revision. Reopening must not
   * move the revision back (later etcd: "adjust the current revision using the scheduled compact
   * revision"), or new writes reuse revisions that the resumed compaction then deletes.
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
}
