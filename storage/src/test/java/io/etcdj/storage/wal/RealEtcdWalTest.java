package io.etcdj.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.Metadata;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.walpb.Snapshot;
import io.etcdj.storage.snap.Snapshotter;
import io.etcdj.storage.testing.RealEtcd;
import io.etcdj.storage.util.Crc32c;
import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads what the real etcd 3.4.23 wrote: a single-member etcd takes a few puts (and, with {@code
 * --snapshot-count=5}, writes {@code .snap} files), is stopped with SIGTERM, and our code decodes
 * its {@code member/wal} and {@code member/snap}.
 */
class RealEtcdWalTest {
  private static final int PUTS = 14;

  @TempDir static Path tmp;

  private static Path dataDir;

  /** A member named n1 on {@code data} with {@code --snapshot-count=5}; the dir outlives it. */
  private static RealEtcd startEtcd(Path data) throws Exception {
    return RealEtcd.named("n1").dataDir(data).keepDataDir().flags("--snapshot-count=5").start();
  }

  @BeforeAll
  static void runEtcd() throws Exception {
    dataDir = tmp.resolve("etcd-data");
    // Closing sends SIGTERM: etcd closes its WAL cleanly.
    try (RealEtcd etcd = startEtcd(dataDir)) {
      for (int i = 0; i < PUTS; i++) {
        etcd.etcdctl("put", "key-" + i, "value-" + i);
      }
    }
  }

  private static Path walDir() {
    return dataDir.resolve("member/wal");
  }

  private static Path firstSegment() throws IOException {
    try (Stream<Path> s = Files.list(walDir())) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().findFirst().orElseThrow();
    }
  }

  private static Set<String> putKeys(List<Entry> entries) {
    Set<String> keys = new HashSet<>();
    for (Entry e : entries) {
      if (e.getType() != EntryType.EntryNormal || e.getData().isEmpty()) {
        continue;
      }
      try {
        InternalRaftRequest r = InternalRaftRequest.parseFrom(e.getData());
        if (r.hasPut()) {
          keys.add(r.getPut().getKey().toStringUtf8());
        }
      } catch (InvalidProtocolBufferException notV3) {
        // v2 requests (member publish, cluster version) are etcdserverpb.Request.
      }
    }
    return keys;
  }

  @Test
  void walWrittenByEtcdDecodesWithAVerifiedCrcChain() throws Exception {
    WalScanner.verify(walDir(), WalFixtures.ZERO_SNAP);
    try (Wal w = Wal.openForRead(walDir(), WalFixtures.ZERO_SNAP)) {
      WalReadResult r = w.readAll();
      Metadata md = Metadata.parseFrom(r.metadata());
      assertThat(md.getNodeID()).isNotZero();
      assertThat(md.getClusterID()).isNotZero();
      assertThat(r.state().getTerm()).isGreaterThanOrEqualTo(2);
      assertThat(r.state().getVote()).isEqualTo(md.getNodeID());
      assertThat(r.state().getCommit())
          .isEqualTo(r.entries().get(r.entries().size() - 1).getIndex());
      for (int i = 0; i < r.entries().size(); i++) {
        assertThat(r.entries().get(i).getIndex()).isEqualTo(i + 1);
      }
      assertThat(r.entries().get(0).getType()).isEqualTo(EntryType.EntryConfChange);
      Set<String> keys = putKeys(r.entries());
      for (int i = 0; i < PUTS; i++) {
        assertThat(keys).contains("key-" + i);
      }
    }
  }

  /** Our append path accepts etcd's files: open read-write, continue the chain, read back. */
  @Test
  void etcdWalOpensForAppendAndTakesMoreRecords() throws Exception {
    Path copy = tmp.resolve("copy-wal");
    Files2.createDirAll(copy);
    try (Stream<Path> s = Files.list(walDir())) {
      for (Path p : s.filter(p -> p.toString().endsWith(".wal")).toList()) {
        Files.copy(p, copy.resolve(p.getFileName()));
      }
    }
    long last;
    try (Wal w = Wal.open(copy, WalFixtures.ZERO_SNAP)) {
      WalReadResult r = w.readAll();
      last = r.entries().get(r.entries().size() - 1).getIndex();
      w.save(
          r.state().toBuilder().setCommit(last + 1).build(),
          List.of(WalFixtures.entry(last + 1, r.state().getTerm())));
    }
    try (Wal w = Wal.open(copy, WalFixtures.ZERO_SNAP)) {
      List<Entry> ents = w.readAll().entries();
      assertThat(ents.get(ents.size() - 1).getIndex()).isEqualTo(last + 1);
    }
  }

  /** Our first records are byte-identical to Go's for the same metadata. */
  @Test
  void ourFreshWalStartsWithTheSameBytesAsEtcds() throws Exception {
    byte[] go = Files.readAllBytes(firstSegment());
    List<WalFixtures.Frame> frames = WalFixtures.frames(go);
    assertThat(frames.get(0).record().getType()).isEqualTo(RecordType.CRC);
    assertThat(Arrays.copyOf(go, 16))
        .containsExactly(0x04, 0, 0, 0, 0, 0, 0, 0x84, 0x08, 0x04, 0x10, 0, 0, 0, 0, 0);
    WalFixtures.Frame meta = frames.get(1);
    assertThat(meta.record().getCrc())
        .isEqualTo(Crc32c.update(0, meta.record().getData().toByteArray()));
    Path ours = tmp.resolve("ours-wal");
    Wal.create(ours, meta.record().getData()).close();
    byte[] mine = Files.readAllBytes(ours.resolve(WalNames.name(0, 0)));
    int headerEnd = (int) frames.get(2).end();
    assertThat(Arrays.copyOf(mine, headerEnd)).isEqualTo(Arrays.copyOf(go, headerEnd));
    assertThat(frames.get(2).record().getType()).isEqualTo(RecordType.SNAPSHOT);
  }

  @Test
  void etcdSnapFileLoadsAndTheWalOpensAtIt() throws Exception {
    Snapshotter ss = new Snapshotter(dataDir.resolve("member/snap"));
    List<Snapshot> walSnaps = WalScanner.validSnapshotEntries(walDir());
    assertThat(walSnaps.size()).isGreaterThan(1);
    io.etcdj.proto.raftpb.Snapshot s = ss.loadNewestAvailable(walSnaps);
    assertThat(s.getMetadata().getIndex()).isGreaterThanOrEqualTo(5);
    assertThat(s.getMetadata().getConfState().getVotersCount()).isEqualTo(1);
    assertThat(s.getData().toStringUtf8()).contains("\"Root\"");
    Snapshot at =
        Snapshot.newBuilder()
            .setIndex(s.getMetadata().getIndex())
            .setTerm(s.getMetadata().getTerm())
            .build();
    try (Wal w = Wal.openForRead(walDir(), at)) {
      WalReadResult r = w.readAll();
      List<Entry> ents = r.entries();
      // The newest snapshot may cover every entry; whatever follows it starts right after it.
      for (int i = 0; i < ents.size(); i++) {
        assertThat(ents.get(i).getIndex()).isEqualTo(at.getIndex() + 1 + i);
      }
      assertThat(at.getIndex() + ents.size()).isEqualTo(r.state().getCommit());
    }
  }

  /**
   * Replays every record of etcd's WAL through our writer: the files must come out byte-identical
   * (same framing, CRC chain, gogo field layout), and etcd itself must start from our WAL alone (no
   * snap, no db) and serve the keys.
   */
  @Test
  void etcdReadsAWalWeWroteAndOurBytesEqualItsOwn() throws Exception {
    byte[] go = Files.readAllBytes(firstSegment());
    List<WalFixtures.Frame> frames = WalFixtures.frames(go);
    Path data = tmp.resolve("replay-data");
    Path ours = data.resolve("member/wal");
    List<Entry> pending = new ArrayList<>();
    try (Wal w = Wal.create(ours, frames.get(1).record().getData())) {
      for (WalFixtures.Frame f : frames.subList(3, frames.size())) {
        long type = f.record().getType();
        if (type == RecordType.ENTRY) {
          pending.add(Entry.parseFrom(f.record().getData()));
        } else if (type == RecordType.STATE) {
          w.save(io.etcdj.proto.raftpb.HardState.parseFrom(f.record().getData()), pending);
          pending.clear();
        } else if (type == RecordType.SNAPSHOT) {
          w.save(io.etcdj.proto.raftpb.HardState.getDefaultInstance(), pending);
          pending.clear();
          w.saveSnapshot(Snapshot.parseFrom(f.record().getData()));
        } else {
          throw new AssertionError("unexpected record type " + type + " in a first segment");
        }
      }
      w.save(io.etcdj.proto.raftpb.HardState.getDefaultInstance(), pending);
    }
    byte[] mine = Files.readAllBytes(ours.resolve(WalNames.name(0, 0)));
    int end = (int) frames.get(frames.size() - 1).end();
    assertThat(Arrays.copyOf(mine, end)).isEqualTo(Arrays.copyOf(go, end));

    try (RealEtcd etcd = startEtcd(data)) {
      for (int i = 0; i < PUTS; i += 5) {
        assertThat(etcd.etcdctl("get", "key-" + i, "--print-value-only").trim())
            .isEqualTo("value-" + i);
      }
    }
  }
}
