package io.etcdj.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyIndexTest {

  static Revision r(long main) {
    return new Revision(main, 0);
  }

  static Revision r(long main, long sub) {
    return new Revision(main, sub);
  }

  /** Renders a key index including each generation's created revision, for exact comparison. */
  static String render(KeyIndex ki) {
    StringBuilder sb = new StringBuilder("mod=" + ki.modified());
    for (Generation g : ki.generations()) {
      sb.append(" | ");
      if (!g.isEmpty()) {
        sb.append("c=").append(g.created).append(" v=").append(g.ver).append(' ').append(g.revs);
      } else {
        sb.append("{}");
      }
    }
    return sb.toString();
  }

  static String expect(Revision mod, String... gens) {
    return "mod=" + mod + " | " + String.join(" | ", gens);
  }

  static String gen(Revision created, long ver, Revision... revs) {
    return "c=" + created + " v=" + ver + " " + List.of(revs);
  }

  /**
   * The key index etcd's tests share: generations {2,4,6(t)}, {8,10,12(t)}, {14,14.1,16(t)}, {}.
   */
  static KeyIndex testKeyIndex() {
    KeyIndex ki = new KeyIndex("foo".getBytes(StandardCharsets.UTF_8));
    try {
      ki.put(2, 0);
      ki.put(4, 0);
      ki.tombstone(6, 0);
      ki.put(8, 0);
      ki.put(10, 0);
      ki.tombstone(12, 0);
      ki.put(14, 0);
      ki.put(14, 1);
      ki.tombstone(16, 0);
    } catch (MvccException e) {
      throw new AssertionError(e);
    }
    return ki;
  }

  /** etcd TestKeyIndexGet. */
  @Test
  void getFindsTheRevisionVisibleAtEachPointOfEveryGeneration() {
    KeyIndex ki = testKeyIndex();
    ki.compact(4, new HashSet<>());
    Object[][] table = {
      {17L, null, null, 0L},
      {16L, null, null, 0L},
      {15L, r(14, 1), r(14), 2L},
      {14L, r(14, 1), r(14), 2L},
      {13L, null, null, 0L},
      {12L, null, null, 0L},
      {11L, r(10), r(8), 2L},
      {10L, r(10), r(8), 2L},
      {9L, r(8), r(8), 1L},
      {8L, r(8), r(8), 1L},
      {7L, null, null, 0L},
      {6L, null, null, 0L},
      {5L, r(4), r(2), 2L},
      {4L, r(4), r(2), 2L},
      {3L, null, null, 0L},
      {2L, null, null, 0L},
      {1L, null, null, 0L},
      {0L, null, null, 0L},
    };
    for (Object[] row : table) {
      long rev = (Long) row[0];
      if (row[1] == null) {
        assertThatThrownBy(() -> ki.get(rev))
            .as("rev %d", rev)
            .isInstanceOf(MvccException.class)
            .hasMessage("mvcc: revision not found");
      } else {
        KeyIndex.Found f = ki.find(rev);
        assertThat(f)
            .as("rev %d", rev)
            .isEqualTo(new KeyIndex.Found((Revision) row[1], (Revision) row[2], (Long) row[3]));
      }
    }
  }

  /** etcd TestKeyIndexSince. */
  @Test
  void sinceReturnsLatestSubRevisionPerMainRevision() {
    KeyIndex ki = testKeyIndex();
    ki.compact(4, new HashSet<>());
    List<Revision> all = List.of(r(4), r(6), r(8), r(10), r(12), r(14, 1), r(16));
    int[] from = {-1, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0};
    for (int i = 0; i < from.length; i++) {
      long rev = 17L - i;
      List<Revision> want = from[i] < 0 ? List.of() : all.subList(from[i], all.size());
      assertThat(ki.since(rev)).as("rev %d", rev).isEqualTo(want);
    }
  }

  /** etcd TestKeyIndexPut. */
  @Test
  void putAppendsToCurrentGenerationAndCountsVersions() {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.put(5, 0);
    assertThat(render(ki)).isEqualTo(expect(r(5), gen(r(5), 1, r(5))));
    ki.put(7, 0);
    assertThat(render(ki)).isEqualTo(expect(r(7), gen(r(5), 2, r(5), r(7))));
  }

  @Test
  void putRejectsRevisionThatDoesNotIncrease() {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.put(5, 1);
    assertThatThrownBy(() -> ki.put(5, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ki.put(5, 0)).isInstanceOf(IllegalStateException.class);
  }

  /** etcd TestKeyIndexRestore. */
  @Test
  void restoreBuildsOneGenerationFromTheNewestRevision() {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.restore(r(5), r(7), 2);
    assertThat(render(ki)).isEqualTo(expect(r(7), gen(r(5), 2, r(7))));
  }

  /** etcd TestKeyIndexTombstone. */
  @Test
  void tombstoneClosesGenerationAndFailsOnDeletedKey() throws MvccException {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.put(5, 0);
    ki.tombstone(7, 0);
    assertThat(render(ki)).isEqualTo(expect(r(7), gen(r(5), 2, r(5), r(7)), "{}"));
    ki.put(8, 0);
    ki.put(9, 0);
    ki.tombstone(15, 0);
    assertThat(render(ki))
        .isEqualTo(expect(r(15), gen(r(5), 2, r(5), r(7)), gen(r(8), 3, r(8), r(9), r(15)), "{}"));
    assertThatThrownBy(() -> ki.tombstone(16, 0))
        .isInstanceOf(MvccException.class)
        .hasMessage("mvcc: revision not found")
        .extracting(e -> ((MvccException) e).error())
        .isEqualTo(MvccError.REVISION_NOT_FOUND);
  }

  record CompactCase(long compact, String want, Set<Revision> available) {}

  static List<CompactCase> compactCases() {
    String g1 = gen(r(2), 3, r(2), r(4), r(6));
    String g1From4 = gen(r(2), 3, r(4), r(6));
    String g2 = gen(r(8), 3, r(8), r(10), r(12));
    String g2From10 = gen(r(8), 3, r(10), r(12));
    String g3 = gen(r(14), 3, r(14), r(14, 1), r(16));
    String g3From141 = gen(r(14), 3, r(14, 1), r(16));
    Revision m = r(16);
    List<CompactCase> cases = new ArrayList<>();
    cases.add(new CompactCase(1, expect(m, g1, g2, g3, "{}"), Set.of()));
    cases.add(new CompactCase(2, expect(m, g1, g2, g3, "{}"), Set.of(r(2))));
    cases.add(new CompactCase(3, expect(m, g1, g2, g3, "{}"), Set.of(r(2))));
    cases.add(new CompactCase(4, expect(m, g1From4, g2, g3, "{}"), Set.of(r(4))));
    cases.add(new CompactCase(5, expect(m, g1From4, g2, g3, "{}"), Set.of(r(4))));
    cases.add(new CompactCase(6, expect(m, g2, g3, "{}"), Set.of()));
    cases.add(new CompactCase(7, expect(m, g2, g3, "{}"), Set.of()));
    cases.add(new CompactCase(8, expect(m, g2, g3, "{}"), Set.of(r(8))));
    cases.add(new CompactCase(9, expect(m, g2, g3, "{}"), Set.of(r(8))));
    cases.add(new CompactCase(10, expect(m, g2From10, g3, "{}"), Set.of(r(10))));
    cases.add(new CompactCase(11, expect(m, g2From10, g3, "{}"), Set.of(r(10))));
    cases.add(new CompactCase(12, expect(m, g3, "{}"), Set.of()));
    cases.add(new CompactCase(13, expect(m, g3, "{}"), Set.of()));
    cases.add(new CompactCase(14, expect(m, g3From141, "{}"), Set.of(r(14, 1))));
    cases.add(new CompactCase(15, expect(m, g3From141, "{}"), Set.of(r(14, 1))));
    cases.add(new CompactCase(16, expect(m, "{}"), Set.of()));
    return cases;
  }

  private static void keepThenCompact(KeyIndex ki, CompactCase c) {
    String before = render(ki);
    Set<Revision> kept = new HashSet<>();
    ki.keep(c.compact(), kept);
    assertThat(render(ki)).as("keep(%d) must not change the index", c.compact()).isEqualTo(before);
    assertThat(kept).as("keep(%d)", c.compact()).isEqualTo(c.available());
    Set<Revision> available = new HashSet<>();
    ki.compact(c.compact(), available);
    assertThat(render(ki)).as("compact(%d)", c.compact()).isEqualTo(c.want());
    assertThat(available).as("compact(%d) available", c.compact()).isEqualTo(c.available());
  }

  /** etcd TestKeyIndexCompactAndKeep, continuous compaction. */
  @Test
  void successiveCompactionsKeepNewestRevisionAtOrBelowEachPoint() {
    KeyIndex ki = testKeyIndex();
    for (CompactCase c : compactCases()) {
      keepThenCompact(ki, c);
    }
  }

  /** etcd TestKeyIndexCompactAndKeep, jump compaction. */
  @Test
  void compactionsThatSkipRevisionsReachTheSameState() {
    KeyIndex ki = testKeyIndex();
    List<CompactCase> cases = compactCases();
    for (int i = 0; i < cases.size(); i++) {
      if ((i % 2 == 0 && i < 6) || (i % 2 == 1 && i > 6)) {
        keepThenCompact(ki, cases.get(i));
      }
    }
  }

  /** etcd TestKeyIndexCompactAndKeep, single compaction on a fresh index. */
  @Test
  void oneCompactionOnFreshIndexReachesTheSameState() {
    for (CompactCase c : compactCases()) {
      keepThenCompact(testKeyIndex(), c);
    }
  }

  /** etcd TestKeyIndexCompactOnFurtherRev. */
  @Test
  void compactBeyondLastModificationKeepsLatestRevision() {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.put(1, 0);
    ki.put(2, 0);
    Set<Revision> am = new HashSet<>();
    ki.compact(3, am);
    assertThat(render(ki)).isEqualTo(expect(r(2), gen(r(1), 2, r(2))));
    assertThat(am).containsExactly(r(2));
  }

  /** etcd TestKeyIndexIsEmpty. */
  @Test
  void isEmptyOnlyWithSingleEmptyGeneration() throws MvccException {
    KeyIndex ki = new KeyIndex(bytes("foo"));
    ki.put(1, 0);
    ki.put(2, 0);
    assertThat(ki.isEmpty()).isFalse();
    ki.tombstone(3, 0);
    ki.compact(3, new HashSet<>());
    assertThat(ki.isEmpty()).isTrue();
  }

  /** etcd TestKeyIndexFindGeneration. */
  @Test
  void findGenerationReturnsNullInGapsBetweenGenerations() {
    KeyIndex ki = testKeyIndex();
    Generation g0 = ki.generations().get(0);
    Generation g1 = ki.generations().get(1);
    Generation[] want = {null, null, g0, g0, g0, g0, null, null, g1, g1, g1, g1, null, null};
    for (int rev = 0; rev < want.length; rev++) {
      assertThat(ki.findGeneration(rev)).as("rev %d", rev).isSameAs(want[rev]);
    }
  }

  /** etcd TestGenerationWalk. */
  @Test
  void generationWalkStopsWhereThePredicateFails() {
    Generation g = new Generation(3, r(2), List.of(r(2), r(4), r(6)));
    assertThat(g.walk(rev -> rev.main() >= 7)).isEqualTo(2);
    assertThat(g.walk(rev -> rev.main() >= 6)).isEqualTo(1);
    assertThat(g.walk(rev -> rev.main() >= 5)).isEqualTo(1);
    assertThat(g.walk(rev -> rev.main() >= 4)).isEqualTo(0);
    assertThat(g.walk(rev -> rev.main() >= 3)).isEqualTo(0);
    assertThat(g.walk(rev -> rev.main() >= 2)).isEqualTo(-1);
    assertThat(new Generation().isEmpty()).isTrue();
    assertThat(g.isEmpty()).isFalse();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
