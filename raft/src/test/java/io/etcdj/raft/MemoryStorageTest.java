package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.entries;
import static io.etcdj.raft.RaftTestUtil.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code storage_test.go}. */
class MemoryStorageTest {

  /** Storage holding entries 3..5 at terms 3..5 (3 is the dummy). */
  private static MemoryStorage storage345() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(3, 3, ConfState.getDefaultInstance()));
    s.append(entries(4, 4, 5, 5));
    return s;
  }

  static Snapshot snap(long index, long term, ConfState cs) {
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs))
        .build();
  }

  /** TestStorageTerm. */
  @Test
  void termOfCompactedIsCompactedAndBeyondLastIsUnavailable() throws Exception {
    MemoryStorage s = storage345();
    assertThatThrownBy(() -> s.term(2))
        .isInstanceOf(CompactedException.class)
        .hasMessage("requested index is unavailable due to compaction");
    assertThat(s.term(3)).isEqualTo(3);
    assertThat(s.term(4)).isEqualTo(4);
    assertThat(s.term(5)).isEqualTo(5);
    assertThatThrownBy(() -> s.term(6))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("requested entry at index is unavailable");
  }

  /** TestStorageEntries. */
  @Test
  void entriesHonourCompactionAndSizeLimit() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(3, 3, ConfState.getDefaultInstance()));
    s.append(entries(4, 4, 5, 5, 6, 6));
    long size = entry(4, 4).getSerializedSize();
    assertThatThrownBy(() -> s.entries(2, 6, Long.MAX_VALUE))
        .isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> s.entries(3, 4, Long.MAX_VALUE))
        .isInstanceOf(CompactedException.class);
    assertThat(s.entries(4, 5, Long.MAX_VALUE)).containsExactly(entry(4, 4));
    assertThat(s.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(4, 4), entry(5, 5));
    assertThat(s.entries(4, 7, Long.MAX_VALUE)).hasSize(3);
    // Even a zero limit returns one entry.
    assertThat(s.entries(4, 7, 0)).containsExactly(entry(4, 4));
    assertThat(s.entries(4, 7, 2 * size)).hasSize(2);
    assertThat(s.entries(4, 7, 2 * size + size / 2)).hasSize(2);
    assertThat(s.entries(4, 7, 3 * size)).hasSize(3);
  }

  /** TestStorageLastIndex, TestStorageFirstIndex. */
  @Test
  void firstAndLastIndexFollowAppendAndCompact() throws Exception {
    MemoryStorage s = storage345();
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThat(s.lastIndex()).isEqualTo(5);
    s.append(List.of(entry(5, 6)));
    assertThat(s.lastIndex()).isEqualTo(6);
    s.compact(4);
    assertThat(s.firstIndex()).isEqualTo(5);
  }

  /** TestStorageCompact. */
  @Test
  void compactKeepsTermOfNewDummy() throws Exception {
    MemoryStorage s = storage345();
    assertThatThrownBy(() -> s.compact(2)).isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> s.compact(3)).isInstanceOf(CompactedException.class);
    s.compact(4);
    assertThat(s.term(4)).isEqualTo(4);
    assertThat(s.firstIndex()).isEqualTo(5);
    s.compact(5);
    assertThat(s.term(5)).isEqualTo(5);
    assertThatThrownBy(() -> s.entries(5, 6, Long.MAX_VALUE))
        .isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> s.compact(6)).isInstanceOf(IllegalStateException.class);
  }

  /** TestStorageCreateSnapshot. */
  @Test
  void createSnapshotRecordsTermAndConfState() throws Exception {
    MemoryStorage s = storage345();
    ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    Snapshot snap = s.createSnapshot(4, cs, new byte[] {'d'});
    assertThat(snap.getMetadata().getIndex()).isEqualTo(4);
    assertThat(snap.getMetadata().getTerm()).isEqualTo(4);
    assertThat(snap.getMetadata().getConfState()).isEqualTo(cs);
    assertThat(snap.getData().toStringUtf8()).isEqualTo("d");
    assertThat(s.snapshot()).isEqualTo(snap);
    assertThatThrownBy(() -> s.createSnapshot(4, cs, (byte[]) null))
        .isInstanceOf(SnapOutOfDateException.class)
        .hasMessage("requested index is older than the existing snapshot");
  }

  /** TestStorageAppend. */
  @Test
  void appendTruncatesConflictsAndIgnoresCompacted() throws Exception {
    MemoryStorage s = storage345();
    s.append(entries(1, 1, 2, 2));
    assertThat(s.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(4, 4), entry(5, 5));

    s = storage345();
    s.append(entries(3, 3, 6, 4, 6, 5));
    assertThat(s.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(6, 4), entry(6, 5));

    s = storage345();
    s.append(entries(3, 3, 4, 4, 5, 5, 5, 6));
    assertThat(s.lastIndex()).isEqualTo(6);

    // Truncate the incoming entries that are already compacted.
    s = storage345();
    s.append(entries(3, 2, 3, 3, 5, 4));
    assertThat(s.entries(4, 5, Long.MAX_VALUE)).containsExactly(entry(5, 4));
    assertThat(s.lastIndex()).isEqualTo(4);

    // Truncate the existing tail.
    s = storage345();
    s.append(List.of(entry(5, 5)));
    assertThat(s.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(4, 4), entry(5, 5));

    s = storage345();
    s.append(List.of(entry(5, 6)));
    assertThat(s.lastIndex()).isEqualTo(6);

    MemoryStorage gap = storage345();
    assertThatThrownBy(() -> gap.append(List.of(entry(5, 8))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing log entry [last: 5, append at: 8]");
  }

  /** TestStorageApplySnapshot. */
  @Test
  void applySnapshotRejectsOlderSnapshots() throws Exception {
    MemoryStorage s = new MemoryStorage();
    ConfState cs = ConfState.newBuilder().addVoters(1).build();
    s.applySnapshot(snap(4, 4, cs));
    assertThat(s.initialState().confState()).isEqualTo(cs);
    assertThat(s.firstIndex()).isEqualTo(5);
    assertThat(s.lastIndex()).isEqualTo(4);
    assertThatThrownBy(() -> s.applySnapshot(snap(3, 3, cs)))
        .isInstanceOf(SnapOutOfDateException.class);
  }

  @Test
  void freshStorageIsEmptyAndUnavailable() throws Exception {
    MemoryStorage s = new MemoryStorage();
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isZero();
    assertThat(s.term(0)).isZero();
    assertThatThrownBy(() -> s.entries(1, 1, 10)).isInstanceOf(UnavailableException.class);
    assertThat(new SnapshotTemporarilyUnavailableException())
        .hasMessage("snapshot is temporarily unavailable");
    List<Entry> none = List.of();
    s.append(none);
    assertThat(s.lastIndex()).isZero();
  }
}
