package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Crashes a compaction after each of its commits (every state it ever made durable) and checks that
 * reopening never lowers the revision, resumes the compaction, and ends with the same HashKV as the
 * store that did not crash.
 */
class CompactionCrashPointsReviewTest {
  /** A {@link MemKvBackend} that remembers a copy of its contents at every commit. */
  private static final class Recording implements KvBackend {
    final MemKvBackend mem = new MemKvBackend();
    final List<MemKvBackend> committed = new ArrayList<>();
    boolean recording;

    @Override
    public void createBucket(String bucket) {
      mem.createBucket(bucket);
    }

    @Override
    public WriteTx lockWrite() {
      return mem.lockWrite();
    }

    @Override
    public ReadTx openRead() {
      return mem.openRead();
    }

    @Override
    public void forceCommit() {
      if (recording) {
        committed.add(copy(mem));
      }
    }

    @Override
    public long hash() {
      return mem.hash();
    }

    @Override
    public boolean setPreCommitHook(Consumer<WriteTx> hook) {
      return false;
    }
  }

  static MemKvBackend copy(MemKvBackend from) {
    MemKvBackend to = new MemKvBackend();
    for (String name : List.of(KvBackend.KEY_BUCKET, KvBackend.META_BUCKET)) {
      to.createBucket(name);
      for (Map.Entry<byte[], byte[]> e : from.bucket(name).entrySet()) {
        to.bucket(name).put(e.getKey().clone(), e.getValue().clone());
      }
    }
    return to;
  }

  @Test
  void everyCommitOfACompactionResumesToTheSameHash() throws Exception {
    for (int seed = 0; seed < 20; seed++) {
      Random rnd = new Random(seed);
      Recording b = new Recording();
      StoreConfig cfg = new StoreConfig(1 + rnd.nextInt(3), 0, Runnable::run);
      long rev;
      KvHash want;
      try (KvStore s = KvStore.open(b, KeyLeases.NONE, null, cfg)) {
        int ops = 5 + rnd.nextInt(20);
        for (int i = 0; i < ops; i++) {
          String k = "k" + rnd.nextInt(4);
          if (rnd.nextInt(3) == 0) {
            s.deleteRange(bytes(k), null);
          } else {
            s.put(bytes(k), bytes("v" + i), 0);
          }
        }
        // End on deletes so that the compacted revision is often a tombstone.
        s.deleteRange(bytes("k"), bytes("l"));
        rev = s.rev();
        b.recording = true;
        s.compact(rev).get();
        b.recording = false;
        want = s.hashByRev(0);
      }
      assertThat(b.committed).as("seed %d", seed).isNotEmpty();
      for (int i = 0; i < b.committed.size(); i++) {
        try (KvStore r = KvStore.open(copy(b.committed.get(i)), KeyLeases.NONE, null, cfg)) {
          assertThat(r.rev()).as("seed %d crash point %d", seed, i).isEqualTo(rev);
          assertThat(r.compactRev()).as("seed %d crash point %d", seed, i).isEqualTo(rev);
          assertThat(r.hashByRev(0)).as("seed %d crash point %d", seed, i).isEqualTo(want);
          assertThat(r.put(bytes("new"), bytes("x"), 0)).isEqualTo(rev + 1);
        }
      }
    }
  }
}
