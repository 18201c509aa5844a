package io.etcdj.storage.mvcc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The revision history of one key, split into generations (etcd {@code keyIndex} in {@code
 * mvcc/key_index.go}). Every key has at least one generation; a tombstone closes the current
 * generation and opens an empty one.
 *
 * <p>For example put(1.0), put(2.0), tombstone(3.0), put(4.0), tombstone(5.0) leaves the
 * generations {@code [{1.0, 2.0, 3.0(t)}, {4.0, 5.0(t)}, {}]}. Compacting at {@code rev} drops the
 * revisions {@code <= rev} except the newest of them, drops that one too if it is a tombstone, and
 * drops generations left empty; a key whose only generation is empty is removed from the index.
 *
 * <p>Not thread-safe; guarded by the owning {@link TreeIndex}'s lock.
 */
final class KeyIndex {
  /** What {@link #get} finds: the revision visible at a point, its generation's start, version. */
  record Found(Revision modified, Revision created, long version) {}

  private final byte[] key;
  private Revision modified = new Revision(0, 0);
  private final List<Generation> generations = new ArrayList<>();

  KeyIndex(byte[] key) {
    this.key = key;
  }

  byte[] key() {
    return key;
  }

  Revision modified() {
    return modified;
  }

  List<Generation> generations() {
    return generations;
  }

  /** True if the current generation has revisions: the key exists now. */
  boolean isAlive() {
    return !generations.isEmpty() && !generations.get(generations.size() - 1).isEmpty();
  }

  /** Records a new revision of the key; revisions must strictly increase. */
  void put(long main, long sub) {
    Revision rev = new Revision(main, sub);
    if (!rev.greaterThan(modified)) {
      throw new IllegalStateException(
          "store.keyindex: put with unexpected smaller revision [" + rev + " / " + modified + "]");
    }
    if (generations.isEmpty()) {
      generations.add(new Generation());
    }
    Generation g = generations.get(generations.size() - 1);
    if (g.isEmpty()) {
      g.created = rev;
    }
    g.revs.add(rev);
    g.ver++;
    modified = rev;
  }

  /** Rebuilds a key from its newest stored revision alone (used while restoring from disk). */
  void restore(Revision created, Revision modified, long ver) {
    if (!generations.isEmpty()) {
      throw new IllegalStateException("store.keyindex: cannot restore non-empty keyIndex");
    }
    this.modified = modified;
    generations.add(new Generation(ver, created, List.of(modified)));
  }

  /**
   * Ends the current generation with a tombstone at (main, sub).
   *
   * @throws MvccException {@link MvccError#REVISION_NOT_FOUND} if the key is already deleted
   */
  void tombstone(long main, long sub) throws MvccException {
    if (isEmpty()) {
      throw new IllegalStateException(
          "store.keyindex: unexpected tombstone on empty keyIndex " + keyString());
    }
    if (generations.get(generations.size() - 1).isEmpty()) {
      throw new MvccException(MvccError.REVISION_NOT_FOUND);
    }
    put(main, sub);
    generations.add(new Generation());
  }

  /**
   * The newest revision {@code <= atRev} if the key is alive at {@code atRev}.
   *
   * @throws MvccException {@link MvccError#REVISION_NOT_FOUND} if the key does not exist there
   */
  Found get(long atRev) throws MvccException {
    Found f = find(atRev);
    if (f == null) {
      throw new MvccException(MvccError.REVISION_NOT_FOUND);
    }
    return f;
  }

  /** Like {@link #get} but returns null instead of throwing; the hot path of ranges. */
  Found find(long atRev) {
    if (isEmpty()) {
      throw new IllegalStateException(
          "store.keyindex: unexpected get on empty keyIndex " + keyString());
    }
    Generation g = findGeneration(atRev);
    if (g == null || g.isEmpty()) {
      return null;
    }
    int n = g.walk(rev -> rev.main() > atRev);
    if (n == -1) {
      return null;
    }
    return new Found(g.revs.get(n), g.created, g.ver - (g.revs.size() - n - 1));
  }

  /**
   * The revisions at or after main revision {@code rev}, oldest first; of several revisions sharing
   * a main revision only the one with the highest sub is returned (the others were never visible).
   */
  List<Revision> since(long rev) {
    if (isEmpty()) {
      throw new IllegalStateException(
          "store.keyindex: unexpected get on empty keyIndex " + keyString());
    }
    Revision since = new Revision(rev, 0);
    int gi;
    for (gi = generations.size() - 1; gi > 0; gi--) {
      Generation g = generations.get(gi);
      if (g.isEmpty()) {
        continue;
      }
      if (since.greaterThan(g.created)) {
        break;
      }
    }
    List<Revision> revs = new ArrayList<>();
    long last = 0;
    for (; gi < generations.size(); gi++) {
      for (Revision r : generations.get(gi).revs) {
        if (since.greaterThan(r)) {
          continue;
        }
        if (r.main() == last) {
          revs.set(revs.size() - 1, r);
          continue;
        }
        revs.add(r);
        last = r.main();
      }
    }
    return revs;
  }

  /**
   * Drops the revisions {@code <= atRev} except the newest one (and that one too when it is a
   * tombstone), adding the revision kept to {@code available}.
   */
  void compact(long atRev, Set<Revision> available) {
    if (isEmpty()) {
      throw new IllegalStateException(
          "store.keyindex: unexpected compact on empty keyIndex " + keyString());
    }
    long packed = doCompact(atRev, available);
    int genIdx = (int) (packed >>> 32);
    int revIndex = (int) packed;
    Generation g = generations.get(genIdx);
    if (!g.isEmpty()) {
      if (revIndex != -1) {
        g.revs.subList(0, revIndex).clear();
      }
      // A generation reduced to its tombstone is dead history: drop it and the tombstone.
      if (g.revs.size() == 1 && genIdx != generations.size() - 1) {
        available.remove(g.revs.get(0));
        genIdx++;
      }
    }
    generations.subList(0, genIdx).clear();
  }

  /** Adds to {@code available} the revision {@link #compact} would keep, changing nothing. */
  void keep(long atRev, Set<Revision> available) {
    if (isEmpty()) {
      return;
    }
    long packed = doCompact(atRev, available);
    int genIdx = (int) (packed >>> 32);
    int revIndex = (int) packed;
    Generation g = generations.get(genIdx);
    if (!g.isEmpty() && revIndex == g.revs.size() - 1 && genIdx != generations.size() - 1) {
      available.remove(g.revs.get(revIndex));
    }
  }

  /**
   * Finds the first generation whose tombstone is after {@code atRev} (or the last one), and in it
   * the newest revision {@code <= atRev}, which goes into {@code available}. Returns the generation
   * index in the high 32 bits and the revision index (-1 if none) in the low 32 bits.
   */
  private long doCompact(long atRev, Set<Revision> available) {
    int genIdx = 0;
    Generation g = generations.get(0);
    while (genIdx < generations.size() - 1) {
      if (g.last().main() > atRev) {
        break;
      }
      genIdx++;
      g = generations.get(genIdx);
    }
    int revIndex =
        g.walk(
            rev -> {
              if (rev.main() <= atRev) {
                available.add(rev);
                return false;
              }
              return true;
            });
    return ((long) genIdx << 32) | (revIndex & 0xFFFFFFFFL);
  }

  /** Whether the key has no history left at all (one empty generation). */
  boolean isEmpty() {
    return generations.size() == 1 && generations.get(0).isEmpty();
  }

  /**
   * The generation alive at {@code rev}, or null when {@code rev} falls in a gap between
   * generations (the key did not exist then) or before the first one.
   */
  Generation findGeneration(long rev) {
    int lastg = generations.size() - 1;
    for (int cg = lastg; cg >= 0; cg--) {
      Generation g = generations.get(cg);
      if (g.revs.isEmpty()) {
        continue;
      }
      if (cg != lastg && g.last().main() <= rev) {
        return null;
      }
      if (g.revs.get(0).main() <= rev) {
        return g;
      }
    }
    return null;
  }

  /** Structural equality as etcd's {@code keyIndex.equal}, for tests. */
  boolean sameAs(KeyIndex b) {
    return java.util.Arrays.equals(key, b.key)
        && modified.equals(b.modified)
        && generations.equals(b.generations);
  }

  private String keyString() {
    return new String(key, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Generation g : generations) {
      sb.append(g).append('\n');
    }
    return sb.toString();
  }
}
