package io.etcdj.raft;

import static io.etcdj.raft.MemoryStorageTest.snap;
import static io.etcdj.raft.RaftTestUtil.entries;
import static io.etcdj.raft.RaftTestUtil.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code log_test.go} and {@code log_unstable_test.go}. */
class RaftLogTest {

  private static RaftLog newLog(MemoryStorage s) {
    return new RaftLog(s, Logger.NOOP, RaftUtil.NO_LIMIT);
  }

  private static RaftLog logWith(List<Entry> ents) {
    RaftLog l = newLog(new MemoryStorage());
    l.append(ents);
    return l;
  }

  /** TestFindConflict. */
  @Test
  void findConflictReturnsFirstNewOrMismatchingIndex() {
    List<Entry> prev = entries(1, 1, 2, 2, 3, 3);
    assertThat(logWith(prev).findConflict(List.of())).isZero();
    assertThat(logWith(prev).findConflict(entries(1, 1, 2, 2, 3, 3))).isZero();
    assertThat(logWith(prev).findConflict(entries(2, 2, 3, 3))).isZero();
    assertThat(logWith(prev).findConflict(entries(1, 1, 2, 2, 3, 3, 4, 4, 4, 5))).isEqualTo(4);
    assertThat(logWith(prev).findConflict(entries(4, 4, 4, 5))).isEqualTo(4);
    assertThat(logWith(prev).findConflict(entries(4, 1, 4, 2))).isEqualTo(1);
    assertThat(logWith(prev).findConflict(entries(1, 2, 4, 3, 4, 4))).isEqualTo(2);
    assertThat(logWith(prev).findConflict(entries(1, 3, 2, 4, 4, 5))).isEqualTo(3);
  }

  /** TestIsUpToDate. */
  @Test
  void isUpToDateComparesLastTermThenLength() {
    RaftLog l = logWith(entries(1, 1, 2, 2, 3, 3));
    long last = l.lastIndex();
    assertThat(l.isUpToDate(last - 1, 4)).isTrue();
    assertThat(l.isUpToDate(last, 4)).isTrue();
    assertThat(l.isUpToDate(last + 1, 4)).isTrue();
    assertThat(l.isUpToDate(last - 1, 2)).isFalse();
    assertThat(l.isUpToDate(last + 1, 2)).isFalse();
    assertThat(l.isUpToDate(last - 1, 3)).isFalse();
    assertThat(l.isUpToDate(last, 3)).isTrue();
    assertThat(l.isUpToDate(last + 1, 3)).isTrue();
  }

  /** TestAppend. */
  @Test
  void appendTruncatesUnstableConflicts() {
    MemoryStorage s = new MemoryStorage();
    s.append(entries(1, 1, 2, 2));
    RaftLog l = newLog(s);
    assertThat(l.append(List.of(entry(2, 3)))).isEqualTo(3);
    assertThat(l.unstable.offset).isEqualTo(3);

    l = newLog(s);
    assertThat(l.append(entries(3, 2))).isEqualTo(2);
    assertThat(l.unstable.offset).isEqualTo(2);
    assertThat(l.unstableEntries()).containsExactly(entry(3, 2));

    l = newLog(s);
    assertThat(l.append(entries(3, 1, 3, 2, 3, 3))).isEqualTo(3);
    assertThat(l.unstable.offset).isEqualTo(1);
  }

  /** TestLogMaybeAppend. */
  @Test
  void maybeAppendMatchesThenAppendsAndCommits() {
    List<Entry> prev = entries(1, 1, 2, 2, 3, 3);
    // Mismatched term: rejected.
    RaftLog l = logWith(prev);
    l.committed = 1;
    assertThat(l.maybeAppend(3, 2, 3, entries(4, 4))).isEqualTo(-1);
    // Index beyond last: rejected.
    assertThat(l.maybeAppend(4, 4, 3, entries(4, 5))).isEqualTo(-1);
    // Match; commit bounded by leader commit.
    l = logWith(prev);
    l.committed = 1;
    assertThat(l.maybeAppend(3, 3, 3, List.of())).isEqualTo(3);
    assertThat(l.committed).isEqualTo(3);
    // Commit bounded by last new index.
    l = logWith(prev);
    l.committed = 1;
    assertThat(l.maybeAppend(3, 3, 5, entries(4, 4))).isEqualTo(4);
    assertThat(l.committed).isEqualTo(4);
    l = logWith(prev);
    l.committed = 1;
    assertThat(l.maybeAppend(2, 2, 4, entries(4, 3))).isEqualTo(3);
    assertThat(l.lastTerm()).isEqualTo(4);
    // Conflicting with a committed entry panics.
    RaftLog c = logWith(prev);
    c.committed = 3;
    assertThatThrownBy(() -> c.maybeAppend(0, 0, 3, entries(4, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("entry 1 conflict with committed entry [committed(3)]");
  }

  /** TestCommitTo. */
  @Test
  void commitToNeverDecreasesAndPanicsPastLastIndex() {
    RaftLog l = logWith(entries(1, 1, 2, 2, 3, 3));
    l.committed = 2;
    l.commitTo(3);
    assertThat(l.committed).isEqualTo(3);
    l.commitTo(1);
    assertThat(l.committed).isEqualTo(3);
    assertThatThrownBy(() -> l.commitTo(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tocommit(4) is out of range [lastIndex(3)]");
  }

  /** TestStableTo, TestStableToWithSnap. */
  @Test
  void stableToIgnoresStaleTerms() {
    RaftLog l = logWith(entries(1, 1, 2, 2));
    l.stableTo(1, 1);
    assertThat(l.unstable.offset).isEqualTo(2);
    l.stableTo(2, 1); // bad term
    assertThat(l.unstable.offset).isEqualTo(2);
    l.stableTo(3, 1); // bad index
    assertThat(l.unstable.offset).isEqualTo(2);
  }

  /** TestCompaction, TestLogRestore. */
  @Test
  void restoredLogStartsAfterSnapshot() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(1000, 1000, ConfState.getDefaultInstance()));
    RaftLog l = newLog(s);
    assertThat(l.allEntries()).isEmpty();
    assertThat(l.firstIndex()).isEqualTo(1001);
    assertThat(l.committed).isEqualTo(1000);
    assertThat(l.unstable.offset).isEqualTo(1001);
    assertThat(l.term(1000)).isEqualTo(1000);
  }

  /** TestTerm, TestTermWithUnstableSnapshot. */
  @Test
  void termOutsideRangeIsZeroAndCompactedThrows() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(100, 1, ConfState.getDefaultInstance()));
    RaftLog l = newLog(s);
    for (long i = 1; i < 50; i++) {
      l.append(List.of(entry(i, 100 + i)));
    }
    assertThat(l.term(99)).isZero();
    assertThat(l.term(100)).isEqualTo(1);
    assertThat(l.term(101)).isEqualTo(1);
    assertThat(l.term(149)).isEqualTo(49);
    assertThat(l.term(150)).isZero();

    l.restore(snap(200, 3, ConfState.getDefaultInstance()));
    assertThat(l.term(200)).isEqualTo(3);
    assertThat(l.firstIndex()).isEqualTo(201);
    assertThat(l.lastIndex()).isEqualTo(200);
  }

  /** TestSlice. */
  @Test
  void sliceSpansStorageAndUnstable() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(100, 100, ConfState.getDefaultInstance()));
    for (long i = 1; i < 50; i++) {
      s.append(List.of(entry(100 + i, 100 + i)));
    }
    RaftLog l = newLog(s);
    for (long i = 50; i < 100; i++) {
      l.append(List.of(entry(100 + i, 100 + i)));
    }
    assertThatThrownBy(() -> l.slice(99, 101, RaftUtil.NO_LIMIT))
        .isInstanceOf(CompactedException.class);
    assertThat(l.slice(101, 101, RaftUtil.NO_LIMIT)).isEmpty();
    assertThat(l.slice(148, 152, RaftUtil.NO_LIMIT))
        .containsExactly(entry(148, 148), entry(149, 149), entry(150, 150), entry(151, 151));
    assertThat(l.slice(149, 151, 0)).containsExactly(entry(149, 149));
    long size = entry(150, 150).getSerializedSize();
    assertThat(l.slice(148, 152, 2 * size)).hasSize(2);
    assertThatThrownBy(() -> l.slice(199, 201, RaftUtil.NO_LIMIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("slice[199,201) out of bound [101,199]");
  }

  /** TestNextEnts, TestHasNextEnts. */
  @Test
  void nextEntsAreCommittedButUnapplied() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(snap(3, 1, ConfState.getDefaultInstance()));
    RaftLog l = newLog(s);
    l.append(entries(1, 4, 1, 5, 1, 6));
    l.commitTo(5);
    l.appliedTo(3);
    assertThat(l.hasNextEnts()).isTrue();
    assertThat(l.nextEnts()).containsExactly(entry(1, 4), entry(1, 5));
    l.appliedTo(5);
    assertThat(l.hasNextEnts()).isFalse();
    assertThat(l.nextEnts()).isEmpty();
    assertThatThrownBy(() -> l.appliedTo(6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("applied(6) is out of range [prevApplied(5), committed(5)]");
  }

  /** TestUnstableTruncateAndAppend. */
  @Test
  void unstableTruncateAndAppend() {
    Unstable u = new Unstable(5, Logger.NOOP);
    u.entries.addAll(entries(1, 5));
    u.truncateAndAppend(entries(1, 6, 1, 7));
    assertThat(u.entries).containsExactly(entry(1, 5), entry(1, 6), entry(1, 7));
    u.truncateAndAppend(entries(2, 6));
    assertThat(u.entries).containsExactly(entry(1, 5), entry(2, 6));
    u.truncateAndAppend(entries(3, 4));
    assertThat(u.offset).isEqualTo(4);
    assertThat(u.entries).containsExactly(entry(3, 4));
  }

  /** TestUnstableMaybeTerm, TestUnstableStableTo, TestUnstableRestore. */
  @Test
  void unstableTermsAndSnapshot() {
    Unstable u = new Unstable(5, Logger.NOOP);
    u.entries.addAll(entries(1, 5));
    assertThat(u.maybeTerm(5)).isEqualTo(1);
    assertThat(u.maybeTerm(6)).isEqualTo(-1);
    assertThat(u.maybeTerm(4)).isEqualTo(-1);
    Snapshot s = snap(4, 1, ConfState.getDefaultInstance());
    u.snapshot = s;
    assertThat(u.maybeTerm(4)).isEqualTo(1);
    assertThat(u.maybeFirstIndex()).isEqualTo(5);
    u.stableTo(5, 2); // wrong term: nothing
    assertThat(u.entries).hasSize(1);
    u.stableTo(5, 1);
    assertThat(u.entries).isEmpty();
    assertThat(u.offset).isEqualTo(6);
    u.restore(snap(6, 2, ConfState.getDefaultInstance()));
    assertThat(u.offset).isEqualTo(7);
    assertThat(u.maybeLastIndex()).isEqualTo(6);
    u.stableSnapTo(6);
    assertThat(u.snapshot).isNull();
  }
}
