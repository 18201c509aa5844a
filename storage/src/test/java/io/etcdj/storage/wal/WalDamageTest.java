package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a small single-segment WAL at every byte offset (truncation, zeroing the rest, flipping
 * one byte) and checks what opening and repairing make of it. Go: TestRepairTruncate,
 * TestRepairWriteTearLast, TestRepairWriteTearMiddle, TestOpenOnTornWrite.
 */
class WalDamageTest {
  private static final WalOptions OPTS = new WalOptions(8 * 1024, true);
  private static final String NAME = WalNames.name(0, 0);

  @TempDir static Path shared;

  private static byte[] image;
  private static List<Entry> written;
  private static List<WalFixtures.Frame> frames;
  private static long dataEnd;

  @BeforeAll
  static void writeTemplate() throws Exception {
    Path dir = shared.resolve("template");
    SplittableRandom rnd = new SplittableRandom(42);
    written = new ArrayList<>();
    try (Wal w = Wal.create(dir, METADATA, OPTS)) {
      for (long i = 1; i <= 14; i++) {
        byte[] data = new byte[30 + rnd.nextInt(60)];
        for (int k = 0; k < data.length; k++) {
          data[k] = (byte) (1 + rnd.nextInt(255)); // never zero, so flips never look torn
        }
        Entry e =
            Entry.newBuilder()
                .setType(EntryType.EntryNormal)
                .setTerm(1)
                .setIndex(i)
                .setData(ByteString.copyFrom(data))
                .build();
        written.add(e);
        w.save(state(1, 1, i), List.of(e));
      }
    }
    image = Files.readAllBytes(dir.resolve(NAME));
    frames = WalFixtures.frames(image);
    dataEnd = frames.get(frames.size() - 1).end();
    assertThat(dataEnd).isGreaterThan(2 * 512).isLessThan(OPTS.segmentSizeBytes());
  }

  /** How an attempt to recover a damaged image ended. */
  private record Outcome(List<Entry> entries, WalException error) {}

  /** Writes the image, opens it; on a torn tail repairs and reopens, like etcd's server does. */
  private static Outcome recover(Path dir, byte[] damaged) throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve(NAME), damaged);
    for (int attempt = 0; attempt < 2; attempt++) {
      try (Wal w = Wal.open(dir, ZERO_SNAP, OPTS)) {
        return new Outcome(w.readAll().entries(), null);
      } catch (WalException e) {
        if (e.error() != WalError.UNEXPECTED_EOF || attempt == 1) {
          return new Outcome(null, e);
        }
        if (!WalRepair.repair(dir, false)) {
          return new Outcome(null, e);
        }
      }
    }
    throw new AssertionError("unreachable");
  }

  /** Entries whose records end at or before {@code offset}. */
  private static int entriesBefore(long offset) throws Exception {
    int n = 0;
    for (WalFixtures.Frame f : frames) {
      if (f.end() <= offset && f.record().getType() == RecordType.ENTRY) {
        n++;
      }
    }
    return n;
  }

  private static void assertPrefix(Outcome o, long offset) {
    if (o.entries() == null) {
      return;
    }
    List<Entry> got = o.entries();
    assertThat(got.size()).as("offset %d", offset).isLessThanOrEqualTo(written.size());
    assertThat(got).as("offset %d", offset).isEqualTo(written.subList(0, got.size()));
  }

  @Test
  void truncationAtAnyOffsetKeepsEveryCompleteRecord() throws Exception {
    Path dir = shared.resolve("trunc");
    long headerEnd = frames.get(2).end();
    for (long off = 0; off <= dataEnd; off++) {
      Outcome o = recover(dir, Arrays.copyOf(image, (int) off));
      assertPrefix(o, off);
      if (off >= headerEnd) {
        assertThat(o.error()).as("offset %d", off).isNull();
        assertThat(o.entries()).as("offset %d", off).hasSize(entriesBefore(off));
        // The repaired WAL appends again.
        try (Wal w = Wal.open(dir, ZERO_SNAP, OPTS)) {
          w.readAll();
          w.save(state(2, 2, 1), List.of());
        }
      } else if (o.error() != null) {
        // Cut inside the header (which create writes before the directory rename, so no crash
        // can produce this): a clear error, never a made-up result.
        assertThat(o.error().getMessage()).startsWith("wal: snapshot not found");
      }
    }
  }

  @Test
  void zeroedTailAtAnyOffsetNeverYieldsWrongEntries() throws Exception {
    Path dir = shared.resolve("zero");
    long headerEnd = frames.get(2).end();
    for (long off = 0; off <= dataEnd; off++) {
      byte[] b = image.clone();
      Arrays.fill(b, (int) off, b.length, (byte) 0);
      Outcome o = recover(dir, b);
      assertPrefix(o, off);
      if (o.error() != null) {
        assertThat(o.error().error())
            .as("offset %d: %s", off, o.error())
            .isIn(
                WalError.RECORD_CRC_MISMATCH, WalError.CORRUPT_RECORD, WalError.SNAPSHOT_NOT_FOUND);
      }
      // Sectors are what a crash loses: zeroing from a sector boundary is always a clean tear.
      if (off % 512 == 0 && off >= headerEnd) {
        assertThat(o.error()).as("offset %d", off).isNull();
        assertThat(o.entries()).as("offset %d", off).hasSize(entriesBefore(off));
      }
    }
  }

  @Test
  void flippedByteIsCorruptionNotSilentLoss() throws Exception {
    Path dir = shared.resolve("flip");
    for (WalFixtures.Frame f : frames) {
      for (long off = f.offset(); off < f.end(); off++) {
        byte[] b = image.clone();
        b[(int) off] ^= (byte) 0xFF;
        Outcome o = recover(dir, b);
        assertPrefix(o, off);
        boolean inPadding = off >= f.bodyOffset() + f.recBytes();
        if (inPadding) {
          // Padding is not covered by the CRC (nor by Go's); nothing may change.
          assertThat(o.entries()).as("offset %d", off).isEqualTo(written);
          continue;
        }
        boolean inLengthWord = off < f.bodyOffset();
        if (!inLengthWord) {
          // Inside a record: reported as corruption, never as a torn tail to be cut off.
          assertThat(o.error()).as("offset %d", off).isNotNull();
          assertThat(o.error().error())
              .as("offset %d: %s", off, o.error())
              .isIn(
                  WalError.RECORD_CRC_MISMATCH,
                  WalError.CRC_MISMATCH,
                  WalError.CORRUPT_RECORD,
                  WalError.UNEXPECTED_BLOCK_TYPE,
                  WalError.METADATA_CONFLICT,
                  WalError.SNAPSHOT_NOT_FOUND);
        } else if (o.error() == null && o.entries().size() < written.size()) {
          // A damaged length word may, by etcd's rule, pass for a torn tail; it must still only
          // lose records from the damaged one on.
          fail(
              "offset %d: length-word flip silently dropped entries (%d of %d kept)",
              off, o.entries().size(), written.size());
        }
      }
    }
  }
}
