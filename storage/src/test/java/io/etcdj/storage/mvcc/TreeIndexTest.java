package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static io.etcdj.storage.mvcc.KeyIndexTest.r;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TreeIndexTest {

  private static List<String> strings(List<byte[]> keys) {
    return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
  }

  /** etcd TestIndexGet. */
  @Test
  void getSeesEachPutUntilTheTombstone() throws MvccException {
    TreeIndex ti = new TreeIndex();
    ti.put(bytes("foo"), r(2));
    ti.put(bytes("foo"), r(4));
    ti.tombstone(bytes("foo"), r(6));
    assertThat(ti.find(bytes("foo"), 0)).isNull();
    assertThat(ti.find(bytes("foo"), 1)).isNull();
    assertThat(ti.get(bytes("foo"), 2)).isEqualTo(new KeyIndex.Found(r(2), r(2), 1));
    assertThat(ti.get(bytes("foo"), 3)).isEqualTo(new KeyIndex.Found(r(2), r(2), 1));
    assertThat(ti.get(bytes("foo"), 4)).isEqualTo(new KeyIndex.Found(r(4), r(2), 2));
    assertThat(ti.get(bytes("foo"), 5)).isEqualTo(new KeyIndex.Found(r(4), r(2), 2));
    assertThatThrownBy(() -> ti.get(bytes("foo"), 6)).hasMessage("mvcc: revision not found");
    assertThatThrownBy(() -> ti.get(bytes("bar"), 6)).hasMessage("mvcc: revision not found");
  }

  /** etcd TestIndexRange. */
  @Test
  void rangeReturnsKeysInHalfOpenIntervalOrSingleKey() {
    TreeIndex ti = new TreeIndex();
    ti.put(bytes("foo"), r(1));
    ti.put(bytes("foo1"), r(2));
    ti.put(bytes("foo2"), r(3));
    Object[][] table = {
      {"bar", null, List.of()},
      {"foo", null, List.of("foo")},
      {"foo", "foo1", List.of("foo")},
      {"foo", "foo2", List.of("foo", "foo1")},
      {"foo", "fop", List.of("foo", "foo1", "foo2")},
      {"foo1", "fop", List.of("foo1", "foo2")},
      {"foo2", "fop", List.of("foo2")},
      {"foo3", "fop", List.of()},
      {"foo1", "", List.of("foo1", "foo2")},
      {"\0", "", List.of("foo", "foo1", "foo2")},
      {"fop", "foo", List.of()},
    };
    for (Object[] row : table) {
      byte[] key = bytes((String) row[0]);
      byte[] end = row[1] == null ? null : bytes((String) row[1]);
      TreeIndex.RangeResult rr = ti.range(key, end, 3);
      @SuppressWarnings("unchecked")
      List<String> want = (List<String>) row[2];
      assertThat(strings(rr.keys())).as("%s..%s", row[0], row[1]).isEqualTo(want);
      List<Revision> wantRevs =
          want.stream().map(k -> k.equals("foo") ? r(1) : k.equals("foo1") ? r(2) : r(3)).toList();
      assertThat(rr.revs()).isEqualTo(wantRevs);
      assertThat(ti.revisions(key, end, 3)).isEqualTo(wantRevs);
      assertThat(ti.countRevisions(key, end, 3)).isEqualTo(want.size());
      TreeIndex.Revisions limited = ti.revisions(key, end, 3, 1);
      assertThat(limited.revs()).isEqualTo(wantRevs.subList(0, Math.min(1, wantRevs.size())));
      assertThat(limited.total()).isEqualTo(want.size());
    }
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    TreeIndex ti = new TreeIndex();
    ti.put(new byte[] {(byte) 0xff}, r(1));
    ti.put(new byte[] {0x01}, r(2));
    TreeIndex.RangeResult rr = ti.range(new byte[] {0}, new byte[0], 2);
    assertThat(rr.revs()).containsExactly(r(2), r(1));
    assertThat(ti.range(new byte[] {0}, new byte[] {(byte) 0x80}, 2).revs()).containsExactly(r(2));
  }

  /** etcd TestIndexTombstone. */
  @Test
  void tombstoneHidesKeyAndFailsTwice() throws MvccException {
    TreeIndex ti = new TreeIndex();
    ti.put(bytes("foo"), r(1));
    ti.tombstone(bytes("foo"), r(2));
    assertThat(ti.find(bytes("foo"), 2)).isNull();
    assertThatThrownBy(() -> ti.tombstone(bytes("foo"), r(3)))
        .hasMessage("mvcc: revision not found");
    assertThatThrownBy(() -> ti.tombstone(bytes("nope"), r(3)))
        .hasMessage("mvcc: revision not found");
  }

  /** etcd TestIndexRangeSince. */
  @Test
  void rangeSinceReturnsAllRevisionsSortedByRevision() {
    TreeIndex ti = new TreeIndex();
    String[] keys = {"foo", "foo1", "foo2", "foo2", "foo1", "foo"};
    for (int i = 0; i < keys.length; i++) {
      ti.put(bytes(keys[i]), r(i + 1));
    }
    Object[][] table = {
      {"bar", null, List.of()},
      {"foo", null, List.of(r(1), r(6))},
      {"foo", "foo1", List.of(r(1), r(6))},
      {"foo", "foo2", List.of(r(1), r(2), r(5), r(6))},
      {"foo", "fop", List.of(r(1), r(2), r(3), r(4), r(5), r(6))},
      {"foo1", "fop", List.of(r(2), r(3), r(4), r(5))},
      {"foo2", "fop", List.of(r(3), r(4))},
      {"foo3", "fop", List.of()},
    };
    for (Object[] row : table) {
      byte[] end = row[1] == null ? null : bytes((String) row[1]);
      assertThat(ti.rangeSince(bytes((String) row[0]), end, 1))
          .as("%s..%s", row[0], row[1])
          .isEqualTo(row[2]);
    }
  }

  record Op(String key, boolean remove, Revision rev, Revision created, long ver) {}

  private static final List<Op> OPS =
      List.of(
          new Op("foo", false, r(1), r(1), 1),
          new Op("foo1", false, r(2), r(2), 1),
          new Op("foo2", false, r(3), r(3), 1),
          new Op("foo2", false, r(4), r(3), 2),
          new Op("foo", false, r(5), r(1), 2),
          new Op("foo1", false, r(6), r(2), 2),
          new Op("foo1", true, r(7), null, 0),
          new Op("foo2", true, r(8), null, 0),
          new Op("foo", true, r(9), null, 0),
          new Op("foo", false, r(10, 0), r(10, 0), 1),
          new Op("foo1", false, r(10, 1), r(10, 1), 1));

  private static TreeIndex build() {
    TreeIndex ti = new TreeIndex();
    for (Op op : OPS) {
      apply(ti, op);
    }
    return ti;
  }

  private static void apply(TreeIndex ti, Op op) {
    try {
      if (op.remove()) {
        ti.tombstone(bytes(op.key()), op.rev());
      } else {
        ti.put(bytes(op.key()), op.rev());
      }
    } catch (MvccException e) {
      throw new AssertionError(e);
    }
  }

  /** The index etcd's test expects after compacting at {@code rev} with {@code kept} kept. */
  private static TreeIndex expected(long rev, Set<Revision> kept) {
    TreeIndex wti = new TreeIndex();
    for (Op op : OPS) {
      if (kept.contains(op.rev()) || op.rev().greaterThan(r(rev))) {
        if (op.remove()) {
          try {
            wti.tombstone(bytes(op.key()), op.rev());
          } catch (MvccException e) {
            // etcd's test ignores this error too: the key's history before was compacted away.
          }
        } else {
          KeyIndex ki = wti.keyIndex(bytes(op.key()));
          if (ki == null) {
            ki = new KeyIndex(bytes(op.key()));
            ki.restore(op.created(), op.rev(), op.ver());
            wti.insert(ki);
          } else {
            ki.put(op.rev().main(), op.rev().sub());
          }
        }
      }
    }
    return wti;
  }

  /** etcd TestIndexCompactAndKeep, continuous compaction. */
  @Test
  void compactAgreesWithKeepAndLeavesOnlyLiveHistory() {
    TreeIndex ti = build();
    for (long i = 1; i < 20; i++) {
      Set<Revision> am = ti.compact(i);
      assertThat(ti.keep(i)).as("keep(%d)", i).isEqualTo(am);
      assertThat(ti.sameAs(expected(i, am))).as("index after compact(%d)", i).isTrue();
    }
  }

  /** etcd TestIndexCompactAndKeep, one compaction on a fresh index. */
  @Test
  void singleCompactionAgreesWithKeep() {
    for (long i = 1; i < 20; i++) {
      TreeIndex ti = build();
      Set<Revision> keep = ti.keep(i);
      Set<Revision> am = ti.compact(i);
      assertThat(keep).as("keep(%d)", i).isEqualTo(am);
      assertThat(ti.sameAs(expected(i, am))).as("index after compact(%d)", i).isTrue();
    }
  }

  @Test
  void compactRemovesKeysWhoseHistoryIsGone() {
    TreeIndex ti = build();
    ti.compact(9);
    assertThat(ti.size()).isEqualTo(2);
    ti.compact(10);
    assertThat(strings(ti.range(bytes("a"), new byte[0], 10).keys()))
        .containsExactly("foo", "foo1");
  }
}
