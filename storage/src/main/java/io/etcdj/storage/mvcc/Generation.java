package io.etcdj.storage.mvcc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One life of a key: the revisions from its creation up to (and including) the tombstone that ended
 * it (etcd {@code generation} in {@code mvcc/key_index.go}).
 *
 * <p>Not thread-safe; guarded by the owning {@link TreeIndex}'s lock.
 */
final class Generation {
  long ver;
  Revision created;
  final List<Revision> revs;

  Generation() {
    this(0, null, new ArrayList<>());
  }

  Generation(long ver, Revision created, List<Revision> revs) {
    this.ver = ver;
    this.created = created;
    this.revs = new ArrayList<>(revs);
  }

  boolean isEmpty() {
    return revs.isEmpty();
  }

  Revision last() {
    return revs.get(revs.size() - 1);
  }

  /**
   * Visits the revisions newest first while {@code keepGoing} says so; returns the index where it
   * stopped, or -1 when every revision was visited.
   */
  int walk(Predicate<Revision> keepGoing) {
    for (int i = revs.size() - 1; i >= 0; i--) {
      if (!keepGoing.test(revs.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    // etcd's generation.equal compares ver and revs only, not created.
    return o instanceof Generation g && g.ver == ver && g.revs.equals(revs);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(ver) * 31 + revs.hashCode();
  }

  @Override
  public String toString() {
    return "g: created[" + created + "] ver[" + ver + "], revs " + revs;
  }
}
