package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A set of watchers indexed by what they watch (etcd's {@code watcherGroup}): single-key watchers
 * in a hash map, range watchers in an {@link IntervalTree} keyed by their range, so "who watches
 * this key" costs a map lookup plus a stab query.
 *
 * <p>Iteration order over {@link #watchers()} is insertion order, which makes batch selection
 * deterministic (oldest first) where etcd's Go maps are random.
 *
 * <p>Not thread-safe; guarded by the owning {@link WatchableStore}'s lock.
 */
final class WatcherGroup {

  private final Map<ByteString, Set<Watcher>> keyWatchers = new HashMap<>();
  private final IntervalTree<Set<Watcher>> ranges = new IntervalTree<>();
  private final Set<Watcher> watchers = new LinkedHashSet<>();

  /** Adds {@code w}; adding a watcher twice is a bug, as in etcd ("add watcher twice!"). */
  void add(Watcher w) {
    if (!watchers.add(w)) {
      throw new IllegalStateException("add watcher twice!");
    }
    if (!w.isRange()) {
      keyWatchers.computeIfAbsent(w.key, k -> new LinkedHashSet<>()).add(w);
      return;
    }
    Set<Watcher> same = ranges.find(w.key, w.end);
    if (same == null) {
      same = new LinkedHashSet<>();
      ranges.put(w.key, w.end, same);
    }
    same.add(w);
  }

  /** Removes {@code w}; returns false if it was not in this group. */
  boolean delete(Watcher w) {
    if (!watchers.remove(w)) {
      return false;
    }
    if (!w.isRange()) {
      Set<Watcher> set = keyWatchers.get(w.key);
      set.remove(w);
      if (set.isEmpty()) {
        keyWatchers.remove(w.key);
      }
      return true;
    }
    Set<Watcher> set = ranges.find(w.key, w.end);
    set.remove(w);
    if (set.isEmpty() && !ranges.delete(w.key, w.end)) {
      throw new IllegalStateException("could not remove watcher from interval tree");
    }
    return true;
  }

  boolean contains(Watcher w) {
    return watchers.contains(w);
  }

  /** Whether some watcher in the group watches {@code key}. */
  boolean watchesKey(ByteString key) {
    return keyWatchers.containsKey(key) || ranges.intersects(key);
  }

  int size() {
    return watchers.size();
  }

  boolean isEmpty() {
    return watchers.isEmpty();
  }

  /** All watchers, oldest first. Callers must not modify the group while iterating. */
  Set<Watcher> watchers() {
    return Collections.unmodifiableSet(watchers);
  }

  /** The watchers that receive events on {@code key}: its key watchers and covering ranges. */
  Set<Watcher> watchersOf(ByteString key) {
    Set<Watcher> single = keyWatchers.get(key);
    Set<Watcher> out = single == null ? new LinkedHashSet<>() : new LinkedHashSet<>(single);
    ranges.stab(key, out::addAll);
    return out;
  }

  /**
   * Up to {@code max} watchers, oldest first, as a new group (etcd's {@code choose} without its
   * compaction side effects, which {@link WatchableStore#syncWatchers()} applies itself).
   */
  WatcherGroup choose(int max) {
    WatcherGroup chosen = new WatcherGroup();
    for (Watcher w : watchers) {
      if (chosen.size() >= max) {
        break;
      }
      chosen.add(w);
    }
    return chosen;
  }
}
