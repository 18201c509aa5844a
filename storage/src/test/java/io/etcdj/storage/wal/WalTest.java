package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.entries;
import static io.etcdj.storage.wal.WalFixtures.entry;
import static io.etcdj.storage.wal.WalFixtures.snap;
import static io.etcdj.storage.wal.WalFixtures.state;
import static io.etcdj.storage.wal.WalFixtures.walFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Record;
import io.etcdj.storage.util.Crc32c;
import io.etcdj.storage.util.FilePurger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
  private static final WalOptions SMALL = new WalOptions(16 * 1024, false);

  @TempDir Path tmp;

  private Path walDir() {
    return tmp.resolve("wal");
  }

  /** Go: TestNew. The first three records are byte-for-byte what etcd writes. */
  @Test
  void freshWalStartsWithGoIdenticalCrcMetadataAndSnapshotRecords() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA)) {
      assertThat(w.dir()).isEqualTo(walDir());
    }
    Path f = walDir().resolve("0000000000000000-0000000000000000.wal");
    byte[] b = Files.readAllBytes(f);
    assertThat(b.length).isEqualTo((int) WalOptions.DEFAULT_SEGMENT_SIZE_BYTES);
    assertThat(HexFormat.of().formatHex(b, 0, 16))
        .isEqualTo("0400000000000084" + "0804100000000000");
    List<WalFixtures.Frame> frames = WalFixtures.frames(b);
    assertThat(frames).hasSize(3);
    Record meta = frames.get(1).record();
    assertThat(meta.getType()).isEqualTo(RecordType.METADATA);
    assertThat(meta.getData()).isEqualTo(METADATA);
    assertThat(meta.getCrc()).isEqualTo(Crc32c.update(0, METADATA.toByteArray()));
    // 0e 00 .. 82 | 08 05 10 <crc> 1a 04 08 00 10 00 | 00 00
    WalFixtures.Frame snapFrame = frames.get(2);
    assertThat(snapFrame.recBytes()).isEqualTo(14);
    assertThat(b[(int) snapFrame.offset() + 7]).isEqualTo((byte) 0x82);
    assertThat(snapFrame.record().getData().toByteArray()).containsExactly(0x08, 0, 0x10, 0);
    assertThat(Files.exists(tmp.resolve("wal.tmp"))).isFalse();
  }

  /** Go: TestCreateFailFromPollutedDir / TestNewForInitedDir. */
  @Test
  void createRefusesADirectoryThatAlreadyHasWalFiles() throws Exception {
    Wal.create(walDir(), METADATA).close();
    assertThatThrownBy(() -> Wal.create(walDir(), METADATA))
        .isInstanceOf(WalException.class)
        .hasMessageStartingWith("wal: file already exists");
  }

  /** Go: TestRecover. */
  @Test
  void savedEntriesAndStateReadBackAfterReopen() throws Exception {
    List<Entry> ents = entries(1, 5, 1);
    HardState st = state(1, 7, 3);
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(st, ents);
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      WalReadResult r = w.readAll();
      assertThat(r.metadata()).isEqualTo(METADATA);
      assertThat(r.state()).isEqualTo(st);
      assertThat(r.entries()).isEqualTo(ents);
      // Append mode continues the chain.
      w.save(state(2, 7, 5), entries(6, 8, 2));
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries()).hasSize(8);
      assertThat(r.entries().get(7)).isEqualTo(entry(8, 2));
      assertThat(r.state()).isEqualTo(state(2, 7, 5));
    }
    WalScanner.verify(walDir(), ZERO_SNAP);
  }

  /** Go: TestOpenAtIndex, TestRecoverAfterCut (part). */
  @Test
  void openAtASnapshotReturnsOnlyLaterEntries() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(state(1, 1, 10), entries(1, 10, 1));
      w.saveSnapshot(snap(5, 1));
      w.save(state(1, 1, 12), entries(11, 12, 1));
    }
    try (Wal w = Wal.open(walDir(), snap(5, 1), SMALL)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries())
          .extracting(Entry::getIndex)
          .containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }
    try (Wal w = Wal.open(walDir(), snap(5, 2), SMALL)) {
      assertThatThrownBy(w::readAll).hasMessageStartingWith("wal: snapshot mismatch");
    }
    try (Wal w = Wal.open(walDir(), snap(7, 1), SMALL)) {
      assertThatThrownBy(w::readAll).hasMessageStartingWith("wal: snapshot not found");
    }
    assertThatThrownBy(() -> WalScanner.verify(walDir(), snap(7, 1)))
        .hasMessageStartingWith("wal: snapshot not found");
    WalScanner.verify(walDir(), snap(5, 1));
  }

  /** Go: TestReadAll's overwrite rule (ents = append(ents[:up], e)). */
  @Test
  void laterEntriesOverwriteConflictingOnesAndTheirSuffix() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(state(1, 1, 1), entries(1, 5, 1));
      // A new leader in term 2 replaces 3..5 with 3..4.
      w.save(state(2, 2, 2), entries(3, 4, 2));
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries())
          .containsExactly(entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2));
    }
  }

  @Test
  void entryBeyondTheNextIndexIsSliceOutOfRange() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(state(1, 1, 1), List.of(entry(1, 1), entry(3, 1)));
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThatThrownBy(w::readAll).hasMessageStartingWith("wal: slice bounds out of range");
    }
  }

  /** Go: TestCut, TestSaveWithCut. */
  @Test
  void fullSegmentsAreCutAndTheChainSpansThem() throws Exception {
    List<Entry> all = new ArrayList<>();
    String big = "x".repeat(500);
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 100; i++) {
        Entry e = entry(i, 1, big + i);
        all.add(e);
        w.save(state(1, 1, i), List.of(e));
      }
    }
    List<String> names = walFiles(walDir());
    assertThat(names.size()).isGreaterThan(2);
    assertThat(names.get(0)).isEqualTo("0000000000000000-0000000000000000.wal");
    // Segment n+1 is named (n+1, first index it may hold) and starts crc, metadata, state.
    for (int i = 1; i < names.size(); i++) {
      WalNames.Parsed p = WalNames.parse(names.get(i));
      assertThat(p.seq()).isEqualTo(i);
      byte[] b = Files.readAllBytes(walDir().resolve(names.get(i)));
      List<WalFixtures.Frame> frames = WalFixtures.frames(b);
      assertThat(frames.get(0).record().getType()).isEqualTo(RecordType.CRC);
      assertThat(frames.get(1).record().getType()).isEqualTo(RecordType.METADATA);
      assertThat(frames.get(2).record().getType()).isEqualTo(RecordType.STATE);
      Entry firstEntry = Entry.parseFrom(frames.get(3).record().getData());
      assertThat(firstEntry.getIndex()).isEqualTo(p.index());
      // The crc record equals the previous segment's final running crc.
      byte[] prev = Files.readAllBytes(walDir().resolve(names.get(i - 1)));
      List<WalFixtures.Frame> pf = WalFixtures.frames(prev);
      assertThat(frames.get(0).record().getCrc())
          .isEqualTo(pf.get(pf.size() - 1).record().getCrc());
      // Finished segments are trimmed to their data.
      if (i < names.size() - 1) {
        assertThat((long) b.length).isEqualTo(frames.get(frames.size() - 1).end());
      }
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries()).isEqualTo(all);
    }
    // Only the prepared next segment may remain as a temp file, and close removes it.
    try (Stream<Path> s = Files.list(walDir())) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
    }
  }

  /** Go: TestSaveEmpty. */
  @Test
  void savingNothingWritesNothing() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      long before = Files.size(walDir().resolve(WalNames.name(0, 0)));
      w.save(HardState.getDefaultInstance(), List.of());
      w.sync();
      assertThat(Files.size(walDir().resolve(WalNames.name(0, 0)))).isEqualTo(before);
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries()).isEmpty();
      assertThat(r.state()).isEqualTo(HardState.getDefaultInstance());
    }
  }

  @Test
  void mustSyncOnEntriesTermOrVoteButNotCommitAlone() {
    HardState prev = state(2, 1, 5);
    assertThat(Wal.mustSync(state(2, 1, 6), prev, 0)).isFalse();
    assertThat(Wal.mustSync(state(2, 1, 6), prev, 1)).isTrue();
    assertThat(Wal.mustSync(state(3, 1, 5), prev, 0)).isTrue();
    assertThat(Wal.mustSync(state(2, 2, 5), prev, 0)).isTrue();
  }

  @Test
  void secondOpenerOfTheSameDirectoryFailsNamingTheDirectory() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      assertThatThrownBy(() -> Wal.open(walDir(), ZERO_SNAP, SMALL))
          .isInstanceOf(WalException.class)
          .hasMessageStartingWith("fileutil: file already locked")
          .hasMessageContaining(walDir().toString());
      // Read-only access stays possible while the WAL is in use.
      try (Wal r = Wal.openForRead(walDir(), ZERO_SNAP)) {
        assertThat(r.readAll().metadata()).isEqualTo(METADATA);
      }
      w.save(state(1, 1, 1), entries(1, 1, 1));
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries()).hasSize(1);
    }
  }

  @Test
  void readOnlyWalCannotAppend() throws Exception {
    Wal.create(walDir(), METADATA, SMALL).close();
    try (Wal r = Wal.openForRead(walDir(), ZERO_SNAP)) {
      r.readAll();
      assertThatThrownBy(() -> r.save(state(1, 1, 1), List.of()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void openWithoutAnyWalFileIsFileNotFound() throws Exception {
    Files.createDirectories(walDir());
    assertThatThrownBy(() -> Wal.open(walDir(), ZERO_SNAP))
        .hasMessageStartingWith("wal: file not found");
    assertThat(Wal.exists(walDir())).isFalse();
  }

  /** Go: TestOpenWithMaxIndex / TestSearchIndex: a gap in the sequence is file-not-found. */
  @Test
  void gapInSegmentSequenceIsFileNotFound() throws Exception {
    String big = "y".repeat(700);
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 120; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, big)));
      }
    }
    List<String> names = walFiles(walDir());
    assertThat(names.size()).isGreaterThanOrEqualTo(4);
    // (Like Go, a gap right after sequence 0 goes unnoticed; 1 -> 3 does not.)
    Files.delete(walDir().resolve(names.get(2)));
    assertThatThrownBy(() -> Wal.open(walDir(), ZERO_SNAP, SMALL))
        .hasMessageStartingWith("wal: file not found");
  }

  /** Go: TestReleaseLockTo plus etcd's purge of released segments. */
  @Test
  void releasedSegmentsCanBePurgedWhileLockedOnesCannot() throws Exception {
    String big = "z".repeat(700);
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 120; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, big)));
      }
      List<String> names = walFiles(walDir());
      int n = names.size();
      assertThat(n).isGreaterThanOrEqualTo(4);
      // Nothing released: the purger must stop at the first, locked file.
      assertThat(FilePurger.purgeOnce(walDir(), ".wal", 1, w::holdsLock)).isEmpty();

      long startOfThird = WalNames.parse(names.get(2)).index();
      w.releaseLockTo(startOfThird + 1);
      // Segments 0 and 1 hold only entries below; segment 2 holds startOfThird and is kept.
      assertThat(w.holdsLock(walDir().resolve(names.get(0)))).isFalse();
      assertThat(w.holdsLock(walDir().resolve(names.get(1)))).isFalse();
      assertThat(w.holdsLock(walDir().resolve(names.get(2)))).isTrue();
      assertThat(FilePurger.purgeOnce(walDir(), ".wal", 1, w::holdsLock))
          .containsExactly(names.get(0), names.get(1));
      assertThat(walFiles(walDir())).hasSize(n - 2);
      w.saveSnapshot(snap(startOfThird, 1));
      w.save(state(1, 1, 121), List.of(entry(121, 1, big)));
    }
    try (Wal w =
        Wal.open(walDir(), snap(WalNames.parse(walFiles(walDir()).get(0)).index(), 1), SMALL)) {
      List<Entry> ents = w.readAll().entries();
      assertThat(ents.get(ents.size() - 1).getIndex()).isEqualTo(121);
    }
  }

  /** Go: TestValidSnapshotEntries. */
  @Test
  void validSnapshotEntriesAreThoseAtOrBelowTheCommitIndex() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(state(1, 1, 3), entries(1, 5, 1));
      w.saveSnapshot(snap(2, 1));
      w.saveSnapshot(snap(3, 1));
      w.saveSnapshot(snap(5, 1));
    }
    assertThat(WalScanner.validSnapshotEntries(walDir()))
        .containsExactly(ZERO_SNAP, snap(2, 1), snap(3, 1));
  }

  @Test
  void metadataIsRecordedAtTheHeadOfEverySegment() throws Exception {
    try (Wal w = Wal.create(walDir(), ByteString.copyFromUtf8("meta"), SMALL)) {
      for (long i = 1; i <= 60; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, "q".repeat(600))));
      }
    }
    try (Wal w = Wal.openForRead(walDir(), ZERO_SNAP)) {
      assertThat(w.readAll().metadata().toStringUtf8()).isEqualTo("meta");
    }
  }

  /**
   * Go: TestOpenOnTornWrite. A lost sector in the middle of the last write batch makes that record
   * torn; repair cuts there, the later (never acknowledged) records go, and appending resumes.
   */
  @Test
  void tornSectorInTheLastBatchIsCutAndAppendingResumes() throws Exception {
    String big = "t".repeat(300);
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 10; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, big + i)));
      }
    }
    Path f = walDir().resolve(WalNames.name(0, 0));
    byte[] b = Files.readAllBytes(f);
    List<WalFixtures.Frame> frames = WalFixtures.frames(b);
    // Find entry 6's record and zero a whole sector inside it.
    WalFixtures.Frame sixth = null;
    for (WalFixtures.Frame fr : frames) {
      if (fr.record().getType() == RecordType.ENTRY
          && Entry.parseFrom(fr.record().getData()).getIndex() == 6) {
        sixth = fr;
      }
    }
    assertThat(sixth).isNotNull();
    long sector = (sixth.bodyOffset() + 511) / 512 * 512;
    long zeroEnd = Math.min(sector + 512, sixth.end());
    assertThat(zeroEnd).isGreaterThan(sector);
    java.util.Arrays.fill(b, (int) sector, (int) zeroEnd, (byte) 0);
    Files.write(f, b);

    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(WalException.class)
          .hasMessageStartingWith("unexpected EOF");
    }
    try (Wal r = Wal.openForRead(walDir(), ZERO_SNAP)) {
      assertThat(r.readAll().entries()).hasSize(5);
    }
    assertThat(Wal.repair(walDir())).isTrue();
    assertThat(Files.exists(walDir().resolve(WalNames.name(0, 0) + ".broken"))).isTrue();
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries()).hasSize(5);
      w.save(state(2, 1, 6), List.of(entry(6, 2), entry(7, 2)));
    }
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThat(w.readAll().entries())
          .extracting(Entry::getIndex)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }
  }

  /** Go: TestRepairWriteTearMiddle. Damage that is not a torn tail is left alone. */
  @Test
  void repairRefusesCorruptionInTheMiddle() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      for (long i = 1; i <= 10; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1)));
      }
    }
    Path f = walDir().resolve(WalNames.name(0, 0));
    byte[] b = Files.readAllBytes(f);
    List<WalFixtures.Frame> frames = WalFixtures.frames(b);
    WalFixtures.Frame mid = frames.get(frames.size() / 2);
    b[(int) mid.end() - mid.pad() - 2] ^= 0x40;
    Files.write(f, b);
    try (Wal w = Wal.open(walDir(), ZERO_SNAP, SMALL)) {
      assertThatThrownBy(w::readAll).hasMessageStartingWith("walpb: crc mismatch");
    }
    assertThat(Wal.repair(walDir())).isFalse();
    assertThat(Files.readAllBytes(f)).isEqualTo(b);
  }
}
