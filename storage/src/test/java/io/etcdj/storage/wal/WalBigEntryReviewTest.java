package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.snap;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review checks: entries of several MiB, larger than the segment they start in, survive cuts,
 * reopening at a snapshot recorded in a later segment, and a torn last record.
 */
class WalBigEntryReviewTest {
  private static final WalOptions ONE_MIB = new WalOptions(1024 * 1024, true);

  @TempDir Path tmp;

  private static Entry big(long index, int size, SplittableRandom rnd) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i += 4096) {
      b[i] = (byte) rnd.nextInt();
    }
    b[size - 1] = (byte) index;
    return Entry.newBuilder()
        .setType(EntryType.EntryNormal)
        .setTerm(2)
        .setIndex(index)
        .setData(ByteString.copyFrom(b))
        .build();
  }

  private static List<String> walFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".wal"))
          .sorted()
          .toList();
    }
  }

  @Test
  void multiMebibyteEntriesSurviveCutsSnapshotsAndATornTail() throws Exception {
    Path dir = tmp.resolve("wal");
    SplittableRandom rnd = new SplittableRandom(7);
    int[] sizes = {1_500_000, 3 * 1024 * 1024 + 3, 100, 6 * 1024 * 1024 + 5, 2_000_001};
    List<Entry> all = new ArrayList<>();
    try (Wal w = Wal.create(dir, METADATA, ONE_MIB)) {
      for (int i = 0; i < sizes.length; i++) {
        Entry e = big(i + 1, sizes[i], rnd);
        all.add(e);
        w.save(state(2, 1, i + 1), List.of(e));
        if (i == 2) {
          // Recorded in a segment whose name starts after index 2.
          w.saveSnapshot(snap(2, 2));
        }
      }
    }
    List<String> names = walFiles(dir);
    assertThat(names.size()).isGreaterThanOrEqualTo(sizes.length);
    try (Wal w = Wal.open(dir, ZERO_SNAP, ONE_MIB)) {
      assertThat(w.readAll().entries()).isEqualTo(all);
    }
    try (Wal w = Wal.open(dir, snap(2, 2), ONE_MIB)) {
      assertThat(w.readAll().entries()).isEqualTo(all.subList(2, all.size()));
    }

    // Append one more big entry, then tear it: half of its sectors never reached the disk.
    Entry last = big(6, 4 * 1024 * 1024, rnd);
    long before;
    String tail;
    try (Wal w = Wal.open(dir, ZERO_SNAP, ONE_MIB)) {
      w.readAll();
      tail = walFiles(dir).get(walFiles(dir).size() - 1);
      before = Files.size(dir.resolve(tail));
      w.save(state(2, 1, 5), List.of(last));
    }
    // The save cut a new segment after the entry; a crash mid-write would not have got that far.
    for (String n : walFiles(dir)) {
      if (n.compareTo(tail) > 0) {
        Files.delete(dir.resolve(n));
      }
    }
    Path tailPath = dir.resolve(tail);
    try (FileChannel ch = FileChannel.open(tailPath, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long mid = before + (size - before) / 2;
      mid -= mid % 512;
      ch.write(java.nio.ByteBuffer.allocate((int) (size - mid)), mid);
    }
    assertThat(Wal.repair(dir)).isTrue();
    try (Wal w = Wal.open(dir, ZERO_SNAP, ONE_MIB)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries()).isEqualTo(all);
      w.save(state(2, 1, 6), List.of(last));
    }
    try (Wal w = Wal.open(dir, ZERO_SNAP, ONE_MIB)) {
      List<Entry> want = new ArrayList<>(all);
      want.add(last);
      assertThat(w.readAll().entries()).isEqualTo(want);
    }
  }

  /** Appending after an open at a later segment continues the chain a full read checks. */
  @Test
  void appendingAfterOpeningAtALaterSegmentKeepsTheWholeChainValid() throws Exception {
    Path dir = tmp.resolve("chain");
    WalOptions small = new WalOptions(16 * 1024, true);
    List<Entry> all = new ArrayList<>();
    String pad = "c".repeat(900);
    try (Wal w = Wal.create(dir, METADATA, small)) {
      for (long i = 1; i <= 60; i++) {
        Entry e = WalFixtures.entry(i, 1, pad + i);
        all.add(e);
        w.save(state(1, 1, i), List.of(e));
      }
      w.saveSnapshot(snap(50, 1));
    }
    assertThat(WalNames.parse(walFiles(dir).get(walFiles(dir).size() - 1)).index())
        .isGreaterThan(1);
    try (Wal w = Wal.open(dir, snap(50, 1), small)) {
      assertThat(w.readAll().entries()).isEqualTo(all.subList(50, 60));
      // Overwrite from 58 on (a new leader's log), across a couple of cuts.
      all.subList(57, all.size()).clear();
      for (long i = 58; i <= 90; i++) {
        Entry e = WalFixtures.entry(i, 2, pad + "t2-" + i);
        all.add(e);
        w.save(state(2, 2, i - 10), List.of(e));
      }
    }
    try (Wal w = Wal.open(dir, ZERO_SNAP, small)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries()).isEqualTo(all);
      assertThat(r.state()).isEqualTo(state(2, 2, 80));
    }
    WalScanner.verify(dir, ZERO_SNAP);
  }
}
