package io.etcdj.storage.node;

import static io.etcdj.storage.node.NodeStoreFixture.bs;
import static io.etcdj.storage.node.NodeStoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.RangeResult;
import io.etcdj.storage.mvcc.ConsistentIndex;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.mvcc.RangeOptions;
import io.etcdj.storage.mvcc.Revision;
import io.etcdj.storage.mvcc.WatchResponse;
import io.etcdj.storage.mvcc.WatchStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's storage facade: consistent index, range conventions, watch options, close. */
class NodeStoreTest {
  @TempDir Path dir;
  private final NodeStoreFixture fx = new NodeStoreFixture();

  @Test
  void consistentIndexMovesForEntriesThatChangeNoKey() throws Exception {
    try (NodeStore s = fx.open(dir)) {
      put(s, 1, "a", "1");
      try (ApplyTxn a = s.beginApply(2)) {
        a.grantLease(7, 60);
      }
      try (ApplyTxn a = s.beginApply(3)) {
        // an empty entry (a new leader's first entry)
      }
      try (ApplyTxn a = s.beginApply(4)) {
        // a txn whose compare failed: reads only
        assertThat(a.txn().range(bs("a"), bs(""), RangeOptions.DEFAULT).count()).isEqualTo(1);
      }
      try (ApplyTxn a = s.beginApply(5)) {
        assertThatThrownBy(() -> a.revokeLease(99)).hasMessage("lease not found");
      }
      assertThat(s.consistentIndex()).isEqualTo(5);
    }
    try (NodeStore s = fx.open(dir)) {
      assertThat(s.consistentIndex()).isEqualTo(5);
      assertThat(s.lessor().lookup(7)).isNotNull();
      assertThat(s.rev()).isEqualTo(2);
    }
  }

  @Test
  void restartReturnsTheLastAppliedIndexAndRefusesToApplyItAgain() throws Exception {
    try (NodeStore s = fx.open(dir)) {
      assertThat(s.consistentIndex()).isZero();
      put(s, 1, "a", "1");
      put(s, 2, "b", "2");
      try (ApplyTxn a = s.beginApply(3)) {
        a.writeBackend(tx -> tx.unsafeCreateBucket(Bucket.MEMBERS));
      }
    }
    try (NodeStore s = fx.open(dir)) {
      assertThat(s.consistentIndex()).isEqualTo(3);
      assertThatThrownBy(() -> s.beginApply(3))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already applied");
      put(s, 4, "c", "3");
      assertThat(s.consistentIndex()).isEqualTo(4);
    }
  }

  @Test
  void oneEntryAtATimeAndOneOperationPerEntry() throws Exception {
    try (NodeStore s = fx.open(dir)) {
      ApplyTxn a = s.beginApply(1);
      assertThatThrownBy(() -> s.beginApply(2)).hasMessageContaining("still being applied");
      a.txn().put(bs("k"), bs("v"), 0);
      assertThatThrownBy(() -> a.grantLease(1, 10)).hasMessageContaining("one operation");
      a.close();
      a.close();
      assertThatThrownBy(a::txn).hasMessage("entry 1 already applied");
      put(s, 2, "k", "w");
    }
  }

  /**
   * A crash loses the uncommitted batch and keeps what was committed: the image of the data file
   * between commits must hold the index of exactly the entries whose data it holds.
   */
  @Test
  void aCrashBetweenCommitsNeverLeavesTheIndexAheadOfTheData() throws Exception {
    BackendConfig slow =
        BackendConfig.builder(dir.resolve("live/db")).batchInterval(Duration.ofHours(1)).build();
    try (NodeStore s = NodeStore.open(fx.config(dir.resolve("live"), slow).build())) {
      put(s, 1, "a", "1");
      s.backend().forceCommit();
      put(s, 2, "b", "2");
      try (ApplyTxn a = s.beginApply(3)) {
        a.grantLease(3, 60);
      }
      Path crashed = crashImage(dir.resolve("live/db"), dir.resolve("crash1"));
      try (NodeStore c = fx.open(crashed)) {
        assertThat(c.consistentIndex()).isEqualTo(1);
        assertThat(keys(c)).containsExactly("a");
        assertThat(c.lessor().lookup(3)).isNull();
      }
      s.backend().forceCommit();
      Path after = crashImage(dir.resolve("live/db"), dir.resolve("crash2"));
      try (NodeStore c = fx.open(after)) {
        assertThat(c.consistentIndex()).isEqualTo(3);
        assertThat(keys(c)).containsExactly("a", "b");
        assertThat(c.lessor().lookup(3)).isNotNull();
      }
    }
  }

  /**
   * The race behind etcd 3.5.0-3.5.2's inconsistency: a batch commit on the timer thread landing
   * between an entry's index and its data. Every commit, checked from inside it, must hold entry
   * C's data and not entry C+1's, where C is the index it commits.
   */
  @Test
  void noBatchCommitSplitsAnEntry() throws Exception {
    BackendConfig fast =
        BackendConfig.builder(dir.resolve("db")).batchInterval(Duration.ofNanos(100_000)).build();
    List<String> violations = new CopyOnWriteArrayList<>();
    int entries = 2000;
    try (NodeStore s = NodeStore.open(fx.config(dir, fast).build())) {
      s.backend()
          .setPreCommitHook(
              tx -> {
                long c = ConsistentIndex.read(tx);
                long last = c % 4 == 2 ? c - 1 : c; // empty entries write nothing
                long next = (c + 1) % 4 == 2 ? c + 2 : c + 1;
                if (last > 0 && !hasMarker(tx, last)) {
                  violations.add("index " + c + " committed without the data of " + last);
                }
                if (hasMarker(tx, next)) {
                  violations.add("data of " + next + " committed with index " + c);
                }
              });
      long before = s.backend().commits();
      for (long i = 1; i <= entries; i++) {
        try (ApplyTxn a = s.beginApply(i)) {
          switch ((int) (i % 4)) {
            case 0 -> a.grantLease(i, 600);
            case 1 -> {
              long n = i;
              a.writeBackend(
                  tx -> {
                    if (n == 1) {
                      tx.unsafeCreateBucket(Bucket.MEMBERS);
                    }
                    tx.unsafePut(Bucket.MEMBERS, key(n), key(n));
                  });
            }
            case 2 -> {} // changes nothing
            default -> a.txn().put(bs("k" + i), bs("v"), 0);
          }
        }
      }
      s.backend().forceCommit();
      assertThat(s.backend().commits() - before).isGreaterThan(10);
      assertThat(s.consistentIndex()).isEqualTo(entries);
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void rangesUseProtoConventionsAndComputeMoreAndCount() throws Exception {
    try (NodeStore s = fx.open(dir)) {
      put(s, 1, "a", "1");
      put(s, 2, "b", "2");
      put(s, 3, "c", "3");
      put(s, 4, "d", "4");
      try (ReadTxn r = s.read()) {
        assertThat(r.rev()).isEqualTo(5);
        assertThat(keys(r.range(bs("b"), bs(""), RangeOptions.DEFAULT))).containsExactly("b");
        assertThat(keys(r.range(bs("b"), bs("\0"), RangeOptions.DEFAULT)))
            .containsExactly("b", "c", "d");
        assertThat(keys(r.range(bs("a"), bs("c"), RangeOptions.DEFAULT))).containsExactly("a", "b");

        Range limited = r.range(bs("a"), bs("\0"), new RangeOptions(2, 0, false));
        assertThat(keys(limited)).containsExactly("a", "b");
        assertThat(limited.count()).isEqualTo(4);
        assertThat(limited.more()).isTrue();
        Range exact = r.range(bs("a"), bs("\0"), new RangeOptions(4, 0, false));
        assertThat(exact.more()).isFalse();
        Range counted = r.range(bs("a"), bs("\0"), new RangeOptions(1, 0, true));
        assertThat(counted.kvs()).isEmpty();
        assertThat(counted.count()).isEqualTo(4);
        assertThat(counted.more()).isFalse();
        Range keysOnly = r.range(bs("a"), bs(""), new RangeOptions(0, 0, false, true));
        assertThat(keysOnly.kvs().get(0).getValue().isEmpty()).isTrue();
        Range old = r.range(bs("a"), bs("\0"), RangeOptions.atRev(3));
        assertThat(keys(old)).containsExactly("a", "b");
        assertThat(old.rev()).isEqualTo(5);
        assertThatThrownBy(() -> r.range(bs("a"), bs(""), RangeOptions.atRev(6)))
            .isInstanceOf(MvccException.class)
            .hasMessage("mvcc: required revision is a future revision");
      }
      try (ApplyTxn a = s.beginApply(5)) {
        WriteTxn t = a.txn();
        assertThat(t.headerRevision()).isEqualTo(5);
        assertThat(t.deleteRange(bs("x"), bs(""))).isZero();
        assertThat(t.headerRevision()).isEqualTo(5);
        assertThat(t.deleteRange(bs("b"), bs("\0"))).isEqualTo(3);
        assertThat(t.headerRevision()).isEqualTo(6);
        assertThat(keys(t.range(bs("a"), bs("\0"), RangeOptions.DEFAULT))).containsExactly("a");
        t.end();
        assertThat(t.headerRevision()).isEqualTo(6);
      }
      assertThat(s.rev()).isEqualTo(6);
    }
  }

  @Test
  void prevKvIsAWatchOption() throws Exception {
    try (NodeStore s = fx.open(dir);
        WatchStream ws = s.newWatchStream()) {
      put(s, 1, "foo", "v1");
      long withPrev =
          ws.watch(WatchCreateRequest.newBuilder().setKey(bs("foo")).setPrevKv(true).build());
      long without = ws.watch(WatchCreateRequest.newBuilder().setKey(bs("foo")).build());
      put(s, 2, "foo", "v2");
      try (ApplyTxn a = s.beginApply(3)) {
        a.txn().deleteRange(bs("foo"), bs(""));
      }
      List<WatchResponse> got = drain(ws);
      assertThat(got).hasSize(4);
      for (WatchResponse r : got) {
        Event e = r.events().get(0);
        if (r.watchId() == withPrev) {
          assertThat(e.getPrevKv().getValue().toStringUtf8())
              .isEqualTo(e.getType() == Event.EventType.PUT ? "v1" : "v2");
        } else {
          assertThat(r.watchId()).isEqualTo(without);
          assertThat(e.hasPrevKv()).isFalse();
        }
      }
    }
  }

  @Test
  void watchRangeEndAndFiltersFollowTheProto() throws Exception {
    try (NodeStore s = fx.open(dir);
        WatchStream ws = s.newWatchStream()) {
      ws.watch(
          WatchCreateRequest.newBuilder()
              .setKey(bs("b"))
              .setRangeEnd(bs("\0"))
              .addFilters(WatchCreateRequest.FilterType.NODELETE)
              .build());
      put(s, 1, "a", "1");
      put(s, 2, "b", "2");
      put(s, 3, "z", "3");
      try (ApplyTxn a = s.beginApply(4)) {
        a.txn().deleteRange(bs("z"), bs(""));
      }
      List<String> seen = new ArrayList<>();
      for (WatchResponse r : drain(ws)) {
        r.events().forEach(e -> seen.add(e.getType() + " " + e.getKv().getKey().toStringUtf8()));
      }
      assertThat(seen).containsExactly("PUT b", "PUT z");
    }
  }

  /** etcd 3.4.23 (checked with etcdctl watch --rev): see WatchableStore.syncWatchers. */
  @Test
  void negativeStartRevisionBehavesAsEtcd() throws Exception {
    try (NodeStore s = fx.open(dir);
        WatchStream ws = s.newWatchStream()) {
      long below = ws.watch(start("foo", -5));
      long minusOne = ws.watch(start("foo", -1));
      s.watchable().syncWatchers();
      WatchResponse notice = ws.poll();
      assertThat(notice.watchId()).isEqualTo(below);
      assertThat(notice.compactRevision()).isEqualTo(-1);
      assertThat(notice.toProto(0, 0, 0).getCanceled()).isTrue();
      assertThat(ws.poll()).isNull();

      put(s, 1, "foo", "bar");
      WatchResponse live = ws.poll();
      assertThat(live.watchId()).isEqualTo(minusOne);
      assertThat(live.revision()).isEqualTo(2);

      put(s, 2, "foo", "baz");
      ws.poll();
      try (ApplyTxn a = s.beginApply(3)) {
        a.compact(3).get();
      }
      long afterCompaction = ws.watch(start("foo", -1));
      s.watchable().syncWatchers();
      WatchResponse compacted = ws.poll();
      assertThat(compacted.watchId()).isEqualTo(afterCompaction);
      assertThat(compacted.compactRevision()).isEqualTo(3);
    }
  }

  @Test
  void startRevisionZeroMeansTheNextRevision() throws Exception {
    try (NodeStore s = fx.open(dir);
        WatchStream ws = s.newWatchStream()) {
      put(s, 1, "foo", "old");
      ws.watch(start("foo", 0));
      put(s, 2, "foo", "new");
      List<WatchResponse> got = drain(ws);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).events().get(0).getKv().getValue().toStringUtf8()).isEqualTo("new");
    }
  }

  @Test
  void revokeDeletesThroughWatchers() throws Exception {
    try (NodeStore s = fx.open(dir);
        WatchStream ws = s.newWatchStream()) {
      try (ApplyTxn a = s.beginApply(1)) {
        a.grantLease(5, 60);
      }
      try (ApplyTxn a = s.beginApply(2)) {
        a.txn().put(bs("leased"), bs("v"), 5);
      }
      ws.watch(start("leased", 0));
      try (ApplyTxn a = s.beginApply(3)) {
        a.revokeLease(5);
      }
      List<WatchResponse> got = drain(ws);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).events().get(0).getType()).isEqualTo(Event.EventType.DELETE);
      assertThat(s.lessor().lookup(5)).isNull();
      assertThat(s.consistentIndex()).isEqualTo(3);
    }
  }

  @Test
  void compactionReturnsThePhysicalCompletion() throws Exception {
    try (NodeStore s = fx.open(dir)) {
      put(s, 1, "a", "1");
      put(s, 2, "a", "2");
      try (ApplyTxn a = s.beginApply(3)) {
        a.compact(2).get();
      }
      assertThat(s.compactRev()).isEqualTo(2);
      assertThat(s.hashKv(0).compactRev()).isEqualTo(2);
      try (ApplyTxn a = s.beginApply(4)) {
        assertThatThrownBy(() -> a.compact(2))
            .hasMessage("mvcc: required revision has been compacted");
      }
      assertThat(s.consistentIndex()).isEqualTo(4);
    }
  }

  // ---------------------------------------------------------------------------------------------

  static WatchCreateRequest start(String key, long rev) {
    return WatchCreateRequest.newBuilder().setKey(bs(key)).setStartRevision(rev).build();
  }

  static List<WatchResponse> drain(WatchStream ws) {
    List<WatchResponse> out = new ArrayList<>();
    for (WatchResponse r = ws.poll(); r != null; r = ws.poll()) {
      out.add(r);
    }
    return out;
  }

  static List<String> keys(Range r) {
    return r.kvs().stream().map(KeyValue::getKey).map(k -> k.toStringUtf8()).toList();
  }

  static List<String> keys(NodeStore s) throws MvccException {
    try (ReadTxn r = s.read()) {
      return keys(r.range(bs("\0"), bs("\0"), RangeOptions.DEFAULT));
    }
  }

  /** The data file as a crash would leave it: only what was committed (LMDB writes at commit). */
  static Path crashImage(Path db, Path to) throws Exception {
    Files.createDirectories(to);
    Files.copy(db, to.resolve("db"));
    return to;
  }

  private static byte[] key(long i) {
    return Long.toString(i).getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether entry {@code i}'s one write (see noBatchCommitSplitsAnEntry) is in the batch. */
  private static boolean hasMarker(io.etcdj.storage.backend.BackendReader tx, long i) {
    return switch ((int) (i % 4)) {
      case 0 -> !leaseRange(tx, i).keys().isEmpty();
      case 1 -> !tx.unsafeRange(Bucket.MEMBERS, key(i), null, 0).keys().isEmpty();
      case 2 -> throw new IllegalArgumentException("entry " + i + " writes nothing");
      default -> {
        // put entries are every 4th from 3: entry i writes revision (i - 3) / 4 + 2
        long rev = (i - 3) / 4 + 2;
        yield !tx.unsafeRange(Bucket.KEY, Revision.of(rev).toBytes(), null, 0).keys().isEmpty();
      }
    };
  }

  private static RangeResult leaseRange(io.etcdj.storage.backend.BackendReader tx, long id) {
    return tx.unsafeRange(
        Bucket.LEASE, java.nio.ByteBuffer.allocate(8).putLong(id).array(), null, 0);
  }
}
