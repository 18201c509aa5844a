package io.etcdj.storage.mvcc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index from user key to its revision history, ordered by unsigned key bytes (etcd
 * {@code treeIndex} in {@code mvcc/index.go}).
 *
 * <p>Range arguments follow etcd: {@code end == null} means the single key {@code key}; an empty
 * {@code end} means every key {@code >= key}; otherwise the half-open range {@code [key, end)}.
 *
 * <p>Thread-safe: readers share a read lock, writers take the write lock. Compaction takes the
 * write lock once per key so that it never stalls writers for long.
 */
final class TreeIndex {
  private static final Logger LOG = LoggerFactory.getLogger(TreeIndex.class);

  /** Keys and the revision each had at the requested point, in key order. */
  record RangeResult(List<byte[]> keys, List<Revision> revs) {}

  private final ReentrantReadWriteLock mu = new ReentrantReadWriteLock();

  @GuardedBy("mu")
  private final TreeMap<byte[], KeyIndex> tree = new TreeMap<>(Arrays::compareUnsigned);

  /**
   * Keys alive now (etcd's {@code keysGauge}: up when a generation starts, down at a tombstone).
   */
  @GuardedBy("mu")
  private long live;

  /** Records that {@code key} was written at {@code rev}. */
  void put(byte[] key, Revision rev) {
    mu.writeLock().lock();
    try {
      KeyIndex ki = tree.get(key);
      if (ki == null) {
        // The tree keeps the key for good; never the caller's array, which it may reuse.
        ki = new KeyIndex(key.clone());
        ki.put(rev.main(), rev.sub());
        tree.put(ki.key(), ki);
        live++;
        return;
      }
      if (!ki.isAlive()) {
        live++;
      }
      ki.put(rev.main(), rev.sub());
    } finally {
      mu.writeLock().unlock();
    }
  }

  /**
   * The revision of {@code key} visible at {@code atRev}.
   *
   * @throws MvccException {@link MvccError#REVISION_NOT_FOUND} if the key does not exist there
   */
  KeyIndex.Found get(byte[] key, long atRev) throws MvccException {
    KeyIndex.Found f = find(key, atRev);
    if (f == null) {
      throw new MvccException(MvccError.REVISION_NOT_FOUND);
    }
    return f;
  }

  /** Like {@link #get} but returns null when not found. */
  KeyIndex.Found find(byte[] key, long atRev) {
    mu.readLock().lock();
    try {
      KeyIndex ki = tree.get(key);
      return ki == null ? null : ki.find(atRev);
    } finally {
      mu.readLock().unlock();
    }
  }

  /** The index entry of {@code key}, or null (used while restoring). */
  KeyIndex keyIndex(byte[] key) {
    mu.readLock().lock();
    try {
      return tree.get(key);
    } finally {
      mu.readLock().unlock();
    }
  }

  /** Adds or replaces a whole key entry (used while restoring). */
  void insert(KeyIndex ki) {
    mu.writeLock().lock();
    try {
      KeyIndex old = tree.put(ki.key(), ki);
      live += (ki.isAlive() ? 1 : 0) - (old != null && old.isAlive() ? 1 : 0);
    } finally {
      mu.writeLock().unlock();
    }
  }

  @GuardedBy("mu")
  private Map<byte[], KeyIndex> span(byte[] key, byte[] end) {
    NavigableMap<byte[], KeyIndex> tail = tree.tailMap(key, true);
    if (end.length == 0) {
      return tail;
    }
    if (Arrays.compareUnsigned(key, end) >= 0) {
      return Collections.emptyMap();
    }
    return tree.subMap(key, true, end, false);
  }

  private void visit(byte[] key, byte[] end, Consumer<KeyIndex> f) {
    mu.readLock().lock();
    try {
      for (KeyIndex ki : span(key, end).values()) {
        f.accept(ki);
      }
    } finally {
      mu.readLock().unlock();
    }
  }

  /** The revisions visible at {@code atRev} of the keys in the range, in key order. */
  List<Revision> revisions(byte[] key, byte[] end, long atRev) {
    return revisions(key, end, atRev, 0).revs();
  }

  /** The first {@code limit} revisions of a range, and how many keys the whole range has. */
  record Revisions(List<Revision> revs, int total) {}

  /**
   * The revisions visible at {@code atRev} of the first {@code limit} ({@code <= 0}: all) keys of
   * the range that exist then, plus the count of all such keys (etcd 3.5's {@code Revisions} with a
   * limit: the count still needs the whole walk, the list does not).
   */
  Revisions revisions(byte[] key, byte[] end, long atRev, long limit) {
    if (end == null) {
      KeyIndex.Found f = find(key, atRev);
      return f == null ? new Revisions(List.of(), 0) : new Revisions(List.of(f.modified()), 1);
    }
    List<Revision> revs = new ArrayList<>();
    int[] total = {0};
    visit(
        key,
        end,
        ki -> {
          KeyIndex.Found f = ki.find(atRev);
          if (f != null) {
            if (limit <= 0 || total[0] < limit) {
              revs.add(f.modified());
            }
            total[0]++;
          }
        });
    return new Revisions(revs, total[0]);
  }

  /** How many keys in the range exist at {@code atRev}. */
  int countRevisions(byte[] key, byte[] end, long atRev) {
    if (end == null) {
      return find(key, atRev) == null ? 0 : 1;
    }
    int[] n = {0};
    visit(
        key,
        end,
        ki -> {
          if (ki.find(atRev) != null) {
            n[0]++;
          }
        });
    return n[0];
  }

  /** The keys in the range that exist at {@code atRev}, with their visible revisions. */
  RangeResult range(byte[] key, byte[] end, long atRev) {
    if (end == null) {
      KeyIndex.Found f = find(key, atRev);
      return f == null
          ? new RangeResult(List.of(), List.of())
          : new RangeResult(List.of(key), List.of(f.modified()));
    }
    List<byte[]> keys = new ArrayList<>();
    List<Revision> revs = new ArrayList<>();
    visit(
        key,
        end,
        ki -> {
          KeyIndex.Found f = ki.find(atRev);
          if (f != null) {
            keys.add(ki.key());
            revs.add(f.modified());
          }
        });
    return new RangeResult(keys, revs);
  }

  /**
   * Records a deletion of {@code key} at {@code rev}.
   *
   * @throws MvccException {@link MvccError#REVISION_NOT_FOUND} if the key is not alive
   */
  void tombstone(byte[] key, Revision rev) throws MvccException {
    mu.writeLock().lock();
    try {
      KeyIndex ki = tree.get(key);
      if (ki == null) {
        throw new MvccException(MvccError.REVISION_NOT_FOUND);
      }
      ki.tombstone(rev.main(), rev.sub());
      live--;
    } finally {
      mu.writeLock().unlock();
    }
  }

  /**
   * Every revision of the keys in the range at or after main revision {@code rev}, sorted by
   * revision; what a watcher catching up from {@code rev} must replay.
   */
  List<Revision> rangeSince(byte[] key, byte[] end, long rev) {
    mu.readLock().lock();
    try {
      if (end == null) {
        KeyIndex ki = tree.get(key);
        return ki == null ? List.of() : ki.since(rev);
      }
      List<Revision> revs = new ArrayList<>();
      for (KeyIndex ki : span(key, end).values()) {
        revs.addAll(ki.since(rev));
      }
      Collections.sort(revs);
      return revs;
    } finally {
      mu.readLock().unlock();
    }
  }

  /**
   * Compacts every key at {@code rev}, removing keys left without history, and returns the set of
   * revisions still referenced (the backend deletes every other revision {@code <= rev}).
   */
  Set<Revision> compact(long rev) {
    LOG.info("compact tree index, revision {}", rev);
    Set<Revision> available = new HashSet<>();
    List<KeyIndex> snapshot;
    mu.writeLock().lock();
    try {
      snapshot = new ArrayList<>(tree.values());
    } finally {
      mu.writeLock().unlock();
    }
    for (KeyIndex ki : snapshot) {
      // One short critical section per key keeps puts flowing during a big compaction.
      mu.writeLock().lock();
      try {
        ki.compact(rev, available);
        if (ki.isEmpty() && tree.remove(ki.key()) == null) {
          throw new IllegalStateException(
              "store.index: unexpected delete failure during compaction");
        }
      } finally {
        mu.writeLock().unlock();
      }
    }
    return available;
  }

  /** The set {@link #compact} would return for {@code rev}, without changing anything. */
  Set<Revision> keep(long rev) {
    Set<Revision> available = new HashSet<>();
    mu.readLock().lock();
    try {
      for (KeyIndex ki : tree.values()) {
        ki.keep(rev, available);
      }
    } finally {
      mu.readLock().unlock();
    }
    return available;
  }

  /** Number of keys indexed (including keys whose last generation is deleted). */
  /** Counts the live keys afresh, after a restore changed inserted entries in place. */
  void recountLive() {
    mu.writeLock().lock();
    try {
      live = tree.values().stream().filter(KeyIndex::isAlive).count();
    } finally {
      mu.writeLock().unlock();
    }
  }

  /** Keys alive now ({@code etcd_debugging_mvcc_keys_total}). */
  long liveKeys() {
    mu.readLock().lock();
    try {
      return live;
    } finally {
      mu.readLock().unlock();
    }
  }

  int size() {
    mu.readLock().lock();
    try {
      return tree.size();
    } finally {
      mu.readLock().unlock();
    }
  }

  /** Structural equality as etcd's {@code treeIndex.Equal}, for tests. */
  boolean sameAs(TreeIndex b) {
    mu.readLock().lock();
    b.mu.readLock().lock();
    try {
      if (tree.size() != b.tree.size()) {
        return false;
      }
      for (KeyIndex ki : tree.values()) {
        KeyIndex other = b.tree.get(ki.key());
        if (other == null || !ki.sameAs(other)) {
          return false;
        }
      }
      return true;
    } finally {
      b.mu.readLock().unlock();
      mu.readLock().unlock();
    }
  }
}
