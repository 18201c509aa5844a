package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.entry;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments in the format etcd wrote before records were padded to 8 bytes: the length word is the
 * bare record size, the next length word follows the record directly. Go's decoder reads them
 * ({@code wal/decoder.go#decodeFrameSize}: a clear top bit means no padding) and so must we; a
 * record cut short or torn at the end is Go's {@code io.ErrUnexpectedEOF}, which repair truncates.
 *
 * <p>The segment images are built here byte by byte, without the production encoder. Go: the
 * decoder's behaviour behind TestRepairTruncate and TestOpenOnTornWrite, on the unpadded layout.
 */
class WalUnpaddedFormatTest {
  private static final String NAME = WalNames.name(0, 0);

  @TempDir Path tmp;
  private Path dir;

  private final List<Entry> entries = new ArrayList<>();
  private HardState lastState;

  @BeforeEach
  void setUp() throws Exception {
    dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    for (long i = 1; i <= 6; i++) {
      // Sizes chosen so that most records are not a multiple of 8 bytes.
      entries.add(entry(i, 1, "v".repeat((int) (3 * i + 1))));
    }
    lastState = state(1, 1, 6);
  }

  /**
   * An unpadded segment image: crc, metadata, snapshot(0,0), then entries, then a state; {@code
   * starts} gets the file offset of each frame.
   */
  private static byte[] unpaddedImage(List<Entry> ents, HardState st, List<Integer> starts) {
    UnpaddedWriter w = new UnpaddedWriter();
    w.crcRecord();
    w.record(RecordType.METADATA, METADATA.toByteArray());
    w.record(RecordType.SNAPSHOT, new byte[] {0x08, 0x00, 0x10, 0x00});
    for (Entry e : ents) {
      w.record(RecordType.ENTRY, e.toByteArray());
    }
    w.record(RecordType.STATE, st.toByteArray());
    assertThat(w.unalignedRecords).as("records that Go's writer would pad").isGreaterThan(4);
    starts.addAll(w.starts);
    return w.out.toByteArray();
  }

  @Test
  void readsSegmentsWrittenWithoutPadding() throws Exception {
    Files.write(dir.resolve(NAME), unpaddedImage(entries, lastState, new ArrayList<>()));

    WalScanner.verify(dir, ZERO_SNAP);
    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      WalReadResult r = w.readAll();
      assertThat(r.metadata()).isEqualTo(METADATA);
      assertThat(r.state()).isEqualTo(lastState);
      assertThat(r.entries()).isEqualTo(entries);
      // Appending continues the chain after the last unpadded record, in today's padded format.
      w.save(state(1, 1, 7), List.of(entry(7, 1)));
    }
    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      WalReadResult r = w.readAll();
      assertThat(r.entries()).hasSize(7).startsWith(entries.toArray(new Entry[0]));
      assertThat(r.state()).isEqualTo(state(1, 1, 7));
    }
  }

  @Test
  void unpaddedRecordCutShortIsUnexpectedEofAndRepairable() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] full = unpaddedImage(entries, lastState, starts);
    // Frames: crc, metadata, snapshot, entries 1-6, state. Cut entry 6 in the middle of its data.
    int sixth = starts.get(3 + 5);
    Files.write(dir.resolve(NAME), Arrays.copyOf(full, sixth + 8 + 5));

    assertUnexpectedEofThenRepairKeeps(5);
  }

  @Test
  void partialUnpaddedLengthWordIsUnexpectedEof() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] full = unpaddedImage(entries, lastState, starts);
    // Everything before the state record, then three bytes of its length word.
    int stateFrame = starts.get(starts.size() - 1);
    Files.write(dir.resolve(NAME), Arrays.copyOf(full, stateFrame + 3));

    assertUnexpectedEofThenRepairKeeps(6);
  }

  @Test
  void tornSectorInLastUnpaddedRecordIsUnexpectedEof() throws Exception {
    // A big last entry that spans several sectors; a crash wrote all but one of its sectors (zeros
    // where data should be), so it fails its CRC and has an all-zero sector chunk.
    List<Entry> ents = new ArrayList<>(entries);
    ents.add(entry(7, 1, "t".repeat(1500)));
    List<Integer> starts = new ArrayList<>();
    byte[] full = unpaddedImage(ents, lastState, starts);
    int bigStart = starts.get(3 + 6);
    byte[] torn = Arrays.copyOf(full, starts.get(starts.size() - 1));
    int zeroFrom = (bigStart / 512 + 1) * 512;
    assertThat(zeroFrom + 512).isLessThan(torn.length);
    Arrays.fill(torn, zeroFrom, zeroFrom + 512, (byte) 0);
    Files.write(dir.resolve(NAME), torn);

    assertUnexpectedEofThenRepairKeeps(6);
  }

  private void assertUnexpectedEofThenRepairKeeps(int kept) throws Exception {
    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOfSatisfying(
              WalException.class, e -> assertThat(e.error()).isEqualTo(WalError.UNEXPECTED_EOF))
          .hasMessageStartingWith("unexpected EOF");
    }
    // Read mode stops quietly at the torn tail, as Go's ReadAll does without a tail file.
    try (Wal w = Wal.openForRead(dir, ZERO_SNAP)) {
      assertThat(w.readAll().entries()).isEqualTo(entries.subList(0, kept));
    }

    assertThat(Wal.repair(dir)).isTrue();
    assertThat(dir.resolve(NAME + ".broken")).exists();
    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      assertThat(w.readAll().entries()).isEqualTo(entries.subList(0, kept));
      w.save(state(1, 1, kept + 1), List.of(entry(kept + 1, 1)));
    }
    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      assertThat(w.readAll().entries()).hasSize(kept + 1);
    }
  }

  /**
   * Writes records the way etcd did before padding: an 8-byte little-endian length word holding the
   * bare record size, then the marshaled {@code walpb.Record{type, crc, data}} with its running
   * CRC-32C.
   */
  private static final class UnpaddedWriter {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CRC32C crc = new CRC32C();
    final List<Integer> starts = new ArrayList<>();
    int unalignedRecords;

    void crcRecord() {
      frame(marshal(RecordType.CRC, 0, null));
    }

    void record(long type, byte[] data) {
      crc.update(data);
      frame(marshal(type, (int) crc.getValue(), data));
    }

    private void frame(byte[] rec) {
      starts.add(out.size());
      if (rec.length % 8 != 0) {
        unalignedRecords++;
      }
      long len = rec.length;
      for (int i = 0; i < 8; i++) {
        out.write((int) (len >>> (8 * i)) & 0xff);
      }
      out.writeBytes(rec);
    }

    private static byte[] marshal(long type, int crc, byte[] data) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(0x08);
      varint(b, type);
      b.write(0x10);
      varint(b, crc & 0xffffffffL);
      if (data != null) {
        b.write(0x1a);
        varint(b, data.length);
        b.writeBytes(data);
      }
      return b.toByteArray();
    }

    private static void varint(ByteArrayOutputStream b, long v) {
      while ((v & ~0x7FL) != 0) {
        b.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      b.write((int) v);
    }
  }
}
