package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An in-memory MVCC history standing in for the KV store in watch tests. It keeps the ordering the
 * real store has: a txn's changes are stored before its revision is published, one writer at a
 * time, and compaction publishes the compacted revision before it deletes the old history.
 *
 * <p>Thread-safe.
 */
final class FakeKv implements WatchableBacking {

  private record Change(KeyValue kv, boolean tombstone) {}

  private final ReentrantReadWriteLock revMu = new ReentrantReadWriteLock();
  private final ReentrantLock txnLock = new ReentrantLock();
  private final ConcurrentSkipListMap<Long, List<Change>> history = new ConcurrentSkipListMap<>();

  /** Every change ever made, never compacted: the reference for delivery checks. */
  private final ConcurrentSkipListMap<Long, List<Change>> fullLog = new ConcurrentSkipListMap<>();

  /** Live keys; guarded by txnLock. */
  private final TreeMap<ByteString, KeyValue> live = new TreeMap<>(IntervalTree::compareAffine);

  private long currentRev; // guarded by revMu
  private long compactRev; // guarded by revMu

  private WatchableStore store;

  void attach(WatchableStore store) {
    this.store = store;
  }

  /** One write txn: collect puts and deletes, then {@link #end()}. */
  final class Txn {
    private final long begin;
    private final List<KeyValue> changes = new ArrayList<>();
    private final List<Change> stored = new ArrayList<>();

    Txn() {
      txnLock.lock();
      revMu.readLock().lock();
      try {
        begin = currentRev;
      } finally {
        revMu.readLock().unlock();
      }
    }

    Txn put(String key, String value) {
      ByteString k = ByteString.copyFromUtf8(key);
      long rev = begin + 1;
      KeyValue prev = live.get(k);
      KeyValue kv =
          KeyValue.newBuilder()
              .setKey(k)
              .setValue(ByteString.copyFromUtf8(value))
              .setCreateRevision(prev == null ? rev : prev.getCreateRevision())
              .setModRevision(rev)
              .setVersion(prev == null ? 1 : prev.getVersion() + 1)
              .build();
      live.put(k, kv);
      changes.add(kv);
      stored.add(new Change(kv, false));
      return this;
    }

    /** Deletes {@code [key, end)}, or just {@code key} when end is null. */
    Txn delete(String key, String end) {
      ByteString k = ByteString.copyFromUtf8(key);
      List<ByteString> doomed = new ArrayList<>();
      if (end == null) {
        if (live.containsKey(k)) {
          doomed.add(k);
        }
      } else {
        ByteString e = ByteString.copyFromUtf8(end);
        for (ByteString x : live.keySet()) {
          if (IntervalTree.contains(k, e, x)) {
            doomed.add(x);
          }
        }
      }
      for (ByteString x : doomed) {
        live.remove(x);
        KeyValue tomb = KeyValue.newBuilder().setKey(x).build();
        changes.add(tomb);
        stored.add(new Change(tomb.toBuilder().setModRevision(begin + 1).build(), true));
      }
      return this;
    }

    /** Publishes the txn through the watchable store; returns the store revision after it. */
    long end() {
      if (!stored.isEmpty()) {
        history.put(begin + 1, List.copyOf(stored)); // stored, but not yet visible as current
        fullLog.put(begin + 1, List.copyOf(stored));
      }
      long[] after = new long[1];
      store.endWrite(
          new PendingWrite() {
            @Override
            public long beginRev() {
              return begin;
            }

            @Override
            public List<KeyValue> changes() {
              return changes;
            }

            @Override
            public void end() {
              revMu.writeLock().lock();
              try {
                if (!changes.isEmpty()) {
                  currentRev = begin + 1;
                }
                after[0] = currentRev;
              } finally {
                revMu.writeLock().unlock();
                txnLock.unlock();
              }
            }
          });
      return after[0];
    }
  }

  Txn txn() {
    return new Txn();
  }

  long put(String key, String value) {
    return txn().put(key, value).end();
  }

  long delete(String key, String end) {
    return txn().delete(key, end).end();
  }

  /** Compacts history below {@code rev}, publishing the compacted revision first. */
  void compact(long rev) {
    revMu.writeLock().lock();
    try {
      compactRev = rev;
    } finally {
      revMu.writeLock().unlock();
    }
    history.headMap(rev).clear();
  }

  /** Replaces the whole state (a snapshot restore): history of the other fake is copied. */
  void restoreFrom(FakeKv other) {
    txnLock.lock();
    try {
      revMu.writeLock().lock();
      try {
        history.clear();
        history.putAll(other.history);
        live.clear();
        live.putAll(other.live);
        currentRev = other.rev();
        compactRev = other.compactRevision();
      } finally {
        revMu.writeLock().unlock();
      }
    } finally {
      txnLock.unlock();
    }
  }

  long rev() {
    return readStable(RevisionView::currentRev);
  }

  long compactRevision() {
    return readStable(RevisionView::compactRev);
  }

  /** Every stored change at revisions [from, to] as events, for checking deliveries. */
  List<Event> eventsBetween(long from, long to) {
    List<Event> out = new ArrayList<>();
    readStable(
        v -> {
          v.readEvents(from, to, k -> true, out::add);
          return null;
        });
    return out;
  }

  /** Every change ever made at revisions >= from, compaction notwithstanding, as events. */
  List<Event> fullHistoryFrom(long from) {
    List<Event> out = new ArrayList<>();
    for (List<Change> cs : fullLog.tailMap(from, true).values()) {
      for (Change c : cs) {
        out.add(
            Event.newBuilder()
                .setType(c.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                .setKv(c.kv())
                .build());
      }
    }
    return out;
  }

  @Override
  public <T> T readStable(Function<RevisionView, T> body) {
    revMu.readLock().lock();
    try {
      return body.apply(view);
    } finally {
      revMu.readLock().unlock();
    }
  }

  @Override
  public KeyValue keyAt(ByteString key, long rev) {
    revMu.readLock().lock();
    try {
      if (rev < compactRev) {
        return null;
      }
    } finally {
      revMu.readLock().unlock();
    }
    NavigableMap<Long, List<Change>> upTo = history.headMap(rev, true).descendingMap();
    for (Map.Entry<Long, List<Change>> e : upTo.entrySet()) {
      List<Change> cs = e.getValue();
      for (int i = cs.size() - 1; i >= 0; i--) {
        Change c = cs.get(i);
        if (c.kv().getKey().equals(key)) {
          return c.tombstone() ? null : c.kv();
        }
      }
    }
    return null;
  }

  private final RevisionView view =
      new RevisionView() {
        @Override
        public long currentRev() {
          return currentRev;
        }

        @Override
        public long compactRev() {
          return compactRev;
        }

        @Override
        public void readEvents(
            long fromRev, long toRev, Predicate<ByteString> wanted, Consumer<Event> sink) {
          for (List<Change> cs : history.subMap(fromRev, true, toRev, true).values()) {
            for (Change c : cs) {
              if (wanted.test(c.kv().getKey())) {
                sink.accept(
                    Event.newBuilder()
                        .setType(c.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                        .setKv(c.kv())
                        .build());
              }
            }
          }
        }
      };
}
