package io.etcdj.storage.raftstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.Metadata;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import io.etcdj.storage.snap.Snapshotter;
import io.etcdj.storage.wal.Wal;
import io.etcdj.storage.wal.WalOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage facade and restart path (etcd {@code etcdserver/storage.go}, {@code server.go}
 * NewServer/restartNode, {@code raft.go} Ready persistence; Go tests TestLoadNewestSnap,
 * TestValidSnapshotEntries, TestReleaseSnapDBs and the 3.4 fix for etcd issue 10219).
 */
class RaftStorageTest {
  private static final ByteString META =
      Metadata.newBuilder().setNodeID(0x1234).setClusterID(0x99).build().toByteString();
  private static final WalOptions OPTS = new WalOptions(64 * 1024, true).withMemberId(0x1234);

  @TempDir Path tmp;
  private Path walDir;
  private Path snapDir;

  @BeforeEach
  void dirs() throws IOException {
    walDir = tmp.resolve("member/wal");
    snapDir = tmp.resolve("member/snap");
    Files.createDirectories(snapDir);
  }

  static Entry entry(long index, long term) {
    return Entry.newBuilder()
        .setType(EntryType.EntryNormal)
        .setTerm(term)
        .setIndex(index)
        .setData(ByteString.copyFrom("e" + index, StandardCharsets.UTF_8))
        .build();
  }

  static List<Entry> entries(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  static HardState hs(long term, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(1).setCommit(commit).build();
  }

  static Snapshot snap(long index, long term, long... voters) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long v : voters) {
      cs.addVoters(v);
    }
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8("state@" + index))
        .setMetadata(
            SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs.build()))
        .build();
  }

  @Test
  void restartReturnsTheSnapshotTheWalRecordedAndTheEntriesAfterIt() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 5), entries(1, 10), Snapshot.getDefaultInstance());
      s.persist(hs(2, 20), List.of(), snap(20, 2, 1, 2, 3));
      s.persist(hs(2, 20), entries(21, 25, 2), Snapshot.getDefaultInstance());
    }
    RaftStorage.Restarted r = RaftStorage.restart(walDir, snapDir, OPTS);
    try (RaftStorage s = r.storage()) {
      assertThat(r.snapshot()).contains(snap(20, 2, 1, 2, 3));
      assertThat(r.appliedFloor()).isEqualTo(20);
      assertThat(r.metadata()).isEqualTo(META);
      assertThat(r.hardState()).isEqualTo(hs(2, 20));
      assertThat(r.entries()).extracting(Entry::getIndex).containsExactly(21L, 22L, 23L, 24L, 25L);
      // and it appends after a restart
      s.persist(hs(2, 26), List.of(entry(26, 2)), Snapshot.getDefaultInstance());
    }
    RaftStorage.Restarted again = RaftStorage.restart(walDir, snapDir, OPTS);
    try (RaftStorage s = again.storage()) {
      assertThat(again.entries()).hasSize(6);
    }
  }

  private static List<Entry> entries(long from, long to) {
    return entries(from, to, 1);
  }

  @Test
  void restartWithoutSnapshotStartsAtIndexZero() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 3), entries(1, 3), Snapshot.getDefaultInstance());
    }
    RaftStorage.Restarted r = RaftStorage.restart(walDir, snapDir, OPTS);
    r.storage().close();
    assertThat(r.snapshot()).isEmpty();
    assertThat(r.appliedFloor()).isZero();
    assertThat(r.entries()).hasSize(3);
  }

  /**
   * etcd 3.4 server.go: a .snap file written before its WAL record (a crash in SaveSnap), or whose
   * HardState never reached the WAL, is orphaned and must not be used (TestLoadNewestSnap).
   */
  @Test
  void restartIgnoresSnapFilesTheWalCannotStartFrom() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 10), entries(1, 10), Snapshot.getDefaultInstance());
      s.persist(hs(1, 10), List.of(), snap(10, 1, 1));
      // crash in SaveSnap after the file, before the WAL record
      new Snapshotter(snapDir).saveSnap(snap(12, 1, 1));
    }
    RaftStorage.Restarted r = RaftStorage.restart(walDir, snapDir, OPTS);
    r.storage().close();
    assertThat(r.appliedFloor()).isEqualTo(10);

    // a snapshot record in the WAL whose HardState never followed: commit 10 < 15
    try (RaftStorage s = RaftStorage.restart(walDir, snapDir, OPTS).storage()) {
      s.saveSnap(snap(15, 1, 1));
    }
    RaftStorage.Restarted r2 = RaftStorage.restart(walDir, snapDir, OPTS);
    r2.storage().close();
    assertThat(r2.appliedFloor()).isEqualTo(10);
    assertThat(r2.hardState().getCommit()).isEqualTo(10);
  }

  /** etcd storage.go readWAL: ErrUnexpectedEOF is repaired once, then the read retried. */
  @Test
  void restartRepairsATornTail() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 4), entries(1, 4), Snapshot.getDefaultInstance());
    }
    Path seg;
    try (Stream<Path> files = Files.list(walDir)) {
      seg = files.filter(p -> p.toString().endsWith(".wal")).findFirst().orElseThrow();
    }
    long end = dataEnd(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      // A length word for a 1000-byte record of which only the first 16 bytes reached the disk.
      ByteBuffer torn = ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      torn.putLong(1000);
      for (int i = 0; i < 16; i++) {
        torn.put((byte) 1);
      }
      torn.flip();
      ch.write(torn, end);
    }
    RaftStorage.Restarted r = RaftStorage.restart(walDir, snapDir, OPTS);
    try (RaftStorage s = r.storage()) {
      assertThat(r.entries()).hasSize(4);
      s.persist(hs(1, 5), List.of(entry(5, 1)), Snapshot.getDefaultInstance());
    }
    RaftStorage.Restarted again = RaftStorage.restart(walDir, snapDir, OPTS);
    try (RaftStorage s = again.storage()) {
      assertThat(again.entries()).hasSize(5);
    }
  }

  /** Offset just past the last record of a segment (the first zero length word). */
  private static long dataEnd(Path seg) throws IOException {
    byte[] b = Files.readAllBytes(seg);
    ByteBuffer bb = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int p = 0;
    while (true) {
      long field = bb.getLong(p);
      if (field == 0) {
        return p;
      }
      int rec = (int) (field & 0x00FFFFFFFFFFFFFFL);
      int pad = field < 0 ? (int) ((field >>> 56) & 7) : 0;
      p += 8 + rec + pad;
    }
  }

  /** Rule 2: the Ready's snapshot and HardState go together (raft.go SaveSnap then Save). */
  @Test
  void saveRefusesAHardStateThatLeavesAJustSavedSnapshotUncommitted() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 5), entries(1, 5), Snapshot.getDefaultInstance());
      s.saveSnap(snap(30, 2, 1));
      assertThatThrownBy(() -> s.save(HardState.getDefaultInstance(), List.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("snapshot at index 30");
      assertThatThrownBy(() -> s.save(hs(2, 29), List.of()))
          .isInstanceOf(IllegalStateException.class);
      s.save(hs(2, 30), List.of());
      s.sync();
      s.release(snap(30, 2, 1));
    }
  }

  /** etcd issue 10219: Sync before Release, else the WAL loses the HardState that commits it. */
  @Test
  void releaseRefusesASnapshotWhoseHardStateIsNotSynced() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 1), entries(1, 5), Snapshot.getDefaultInstance());
      s.saveSnap(snap(5, 1, 1));
      s.save(hs(1, 5), List.of()); // commit-only: Wal does not sync it
      assertThatThrownBy(() -> s.release(snap(5, 1, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("sync()");
      s.sync();
      s.release(snap(5, 1, 1));
    }
  }

  /** A snapshot of the applied state (etcd's triggerSnapshot) is below the saved commit. */
  @Test
  void snapshotOfAppliedStateCanBeSavedAndReleasedDirectly() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 8), entries(1, 10), Snapshot.getDefaultInstance());
      s.saveSnap(snap(8, 1, 1));
      s.release(snap(8, 1, 1));
    }
  }

  /** etcd Release: WAL locks up to the snapshot, and .snap.db files older than it. */
  @Test
  void releaseUnlocksOlderSegmentsAndDeletesOlderSnapDbs() throws Exception {
    WalOptions small = new WalOptions(8 * 1024, true);
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, small)) {
      String big = "x".repeat(1500);
      for (long i = 1; i <= 30; i++) {
        Entry e =
            Entry.newBuilder()
                .setTerm(1)
                .setIndex(i)
                .setType(EntryType.EntryNormal)
                .setData(ByteString.copyFromUtf8(big))
                .build();
        s.persist(hs(1, i), List.of(e), Snapshot.getDefaultInstance());
      }
      s.snapDb().saveFrom(new ByteArrayInputStream(new byte[] {1}), 3);
      s.snapDb().saveFrom(new ByteArrayInputStream(new byte[] {2}), 25);
      List<Path> segs;
      try (Stream<Path> files = Files.list(walDir)) {
        segs = files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
      }
      assertThat(segs.size()).isGreaterThan(3);
      assertThat(s.wal().holdsLock(segs.get(0))).isTrue();

      s.persist(hs(1, 25), List.of(), snap(25, 1, 1));
      s.release(snap(25, 1, 1));

      assertThat(s.wal().holdsLock(segs.get(0))).isFalse();
      assertThat(s.wal().holdsLock(segs.get(segs.size() - 1))).isTrue();
      assertThat(Files.exists(s.snapDb().path(3))).isFalse();
      assertThat(Files.exists(s.snapDb().path(25))).isTrue();
    }
  }

  /** Rule 4: a snapshot sent to a member must list it (raft.go restore ignores it otherwise). */
  @Test
  void requireIncludesRejectsASnapshotThatPredatesTheMember() {
    RaftStorage.requireIncludes(snap(10, 1, 1, 2), 2);
    assertThatThrownBy(() -> RaftStorage.requireIncludes(snap(10, 1, 1, 2), 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not include member 3");
  }

  @Test
  void walFromRaftStorageIsAnOrdinaryEtcdWal() throws Exception {
    try (RaftStorage s = RaftStorage.create(walDir, snapDir, META, OPTS)) {
      s.persist(hs(1, 2), entries(1, 2), Snapshot.getDefaultInstance());
    }
    try (Wal w =
        Wal.openForRead(walDir, io.etcdj.proto.walpb.Snapshot.newBuilder().setIndex(0).build())) {
      assertThat(w.readAll().entries()).hasSize(2);
    }
  }
}
