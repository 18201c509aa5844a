package io.etcdj.storage.node;

import static io.etcdj.storage.node.NodeStoreFixture.bs;
import static io.etcdj.storage.node.NodeStoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.mvccpb.Event;
import io.etcdj.storage.backend.BackendSnapshot;
import io.etcdj.storage.mvcc.RangeOptions;
import io.etcdj.storage.mvcc.WatchResponse;
import io.etcdj.storage.mvcc.WatchStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing a received snapshot (C2): one swap, checked, invisible to racing readers. */
class NodeStoreRestoreTest {
  @TempDir Path dir;
  private final NodeStoreFixture fx = new NodeStoreFixture();

  /** A leader's state at raft index 10: keys "new/0".."new/4", lease 9 holding "new/leased". */
  private Path leaderSnapshot() throws Exception {
    Path leaderDir = dir.resolve("leader");
    Path file = dir.resolve("0000000000000010.snap.db");
    try (NodeStore leader = fx.open(leaderDir)) {
      for (int i = 0; i < 5; i++) {
        put(leader, i + 1, "new/" + i, "v" + i);
      }
      try (ApplyTxn a = leader.beginApply(6)) {
        a.grantLease(9, 60);
      }
      try (ApplyTxn a = leader.beginApply(7)) {
        a.txn().put(bs("new/leased"), bs("l"), 9);
      }
      for (long i = 8; i <= 10; i++) {
        leader.beginApply(i).close();
      }
      try (BackendSnapshot snap = leader.snapshot();
          OutputStream out = Files.newOutputStream(file)) {
        snap.writeTo(out);
      }
    }
    return file;
  }

  @Test
  void restoreSwapsBackendLeasesIndexAndWatchersTogether() throws Exception {
    Path received = leaderSnapshot();
    try (NodeStore s = fx.open(dir.resolve("follower"));
        WatchStream ws = s.newWatchStream()) {
      put(s, 1, "old/a", "1");
      try (ApplyTxn a = s.beginApply(2)) {
        a.grantLease(1, 60);
      }
      ws.watch(NodeStoreTest.start("new/", 0).toBuilder().setRangeEnd(bs("new0")).build());

      s.restore(received, 10);

      assertThat(s.consistentIndex()).isEqualTo(10);
      assertThat(NodeStoreTest.keys(s))
          .containsExactly("new/0", "new/1", "new/2", "new/3", "new/4", "new/leased");
      assertThat(s.lessor().lookup(1)).isNull();
      assertThat(s.lessor().lookup(9)).isNotNull();
      assertThat(s.rev()).isEqualTo(7);
      // the recovered lease knows its key again, and revokes through the watchers
      try (ApplyTxn a = s.beginApply(11)) {
        a.revokeLease(9);
      }
      s.watchable().syncWatchers();
      // the watcher, moved to unsynced by the restore, catches up on the new history from the
      // revision it had reached (3), then sees the revoke
      List<String> events = new ArrayList<>();
      for (WatchResponse r : NodeStoreTest.drain(ws)) {
        for (Event e : r.events()) {
          events.add(e.getType() + " " + e.getKv().getKey().toStringUtf8());
        }
      }
      assertThat(events)
          .containsExactly(
              "PUT new/1",
              "PUT new/2",
              "PUT new/3",
              "PUT new/4",
              "PUT new/leased",
              "DELETE new/leased");
      assertThat(s.consistentIndex()).isEqualTo(11);
    }
    // and it is the state a restart finds
    try (NodeStore s = fx.open(dir.resolve("follower"))) {
      assertThat(s.consistentIndex()).isEqualTo(11);
      assertThat(NodeStoreTest.keys(s)).hasSize(5);
    }
  }

  @Test
  void aDatabaseOlderThanItsSnapshotIsRefusedWithEtcdsText() throws Exception {
    Path received = leaderSnapshot();
    try (NodeStore s = fx.open(dir.resolve("follower"))) {
      put(s, 1, "old/a", "1");
      assertThatThrownBy(() -> s.restore(received, 11))
          .isInstanceOf(SnapshotMismatchException.class)
          .hasMessage(
              "database file (" + received + " index 10) does not match with snapshot (index 11)");
      // nothing changed
      assertThat(NodeStoreTest.keys(s)).containsExactly("old/a");
      assertThat(s.consistentIndex()).isEqualTo(1);
      try (var files = Files.list(dir.resolve("follower"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsOnly("db", "db-lock");
      }
    }
  }

  /** etcd NewServer: restarting from a raft snapshot newer than the backend is refused. */
  @Test
  void startUpCheckRefusesABackendOlderThanTheSnapshot() throws Exception {
    try (NodeStore s = fx.open(dir.resolve("member"))) {
      s.checkAgainstSnapshot(5); // never saved: etcd's warning only
      put(s, 1, "a", "1");
      put(s, 2, "b", "2");
      s.checkAgainstSnapshot(2);
      assertThatThrownBy(() -> s.checkAgainstSnapshot(3))
          .isInstanceOf(SnapshotMismatchException.class)
          .hasMessage(
              "database file ("
                  + dir.resolve("member/db")
                  + " index 2) does not match with snapshot (index 3)");
    }
  }

  @Test
  void readersRacingTheSwapSeeTheOldStateOrTheNew() throws Exception {
    Path received = leaderSnapshot();
    try (NodeStore s = fx.open(dir.resolve("follower"))) {
      put(s, 1, "old/a", "1");
      List<String> old = List.of("old/a");
      List<String> fresh = List.of("new/0", "new/1", "new/2", "new/3", "new/4", "new/leased");
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      Set<List<String>> seen = ConcurrentHashMap.newKeySet();
      AtomicLong reads = new AtomicLong();
      CountDownLatch started = new CountDownLatch(3);
      Thread[] readers = new Thread[3];
      for (int t = 0; t < readers.length; t++) {
        readers[t] =
            new Thread(
                () -> {
                  started.countDown();
                  while (!stop.get()) {
                    try (ReadTxn r = s.read()) {
                      List<String> keys =
                          NodeStoreTest.keys(r.range(bs("\0"), bs("\0"), RangeOptions.DEFAULT));
                      if (!keys.equals(old) && !keys.equals(fresh)) {
                        failures.add(new AssertionError("mixed state " + keys));
                      }
                      seen.add(keys);
                      reads.incrementAndGet();
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }
                });
        readers[t].start();
      }
      started.await();
      long before = reads.get();
      while (reads.get() < before + 100) {
        Thread.onSpinWait();
      }
      s.restore(received, 10);
      long after = reads.get();
      while (reads.get() < after + 100) {
        Thread.onSpinWait();
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
      assertThat(failures).isEmpty();
      assertThat(seen).containsExactlyInAnyOrder(old, fresh);
    }
  }
}
