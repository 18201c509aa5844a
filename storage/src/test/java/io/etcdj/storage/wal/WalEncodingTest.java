package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.walpb.Record;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review C10: records are marshaled straight from the entry's {@code ByteString} into the page
 * buffer. Whatever the data's shape (absent, empty, a substring, a rope, a direct buffer, larger
 * than a page or than the whole buffer), the bytes on disk must be what Go's encoder writes: gogo's
 * field layout, 8-byte padding with zeros, and the running CRC-32C over every record's data ({@code
 * wal/encoder.go}). Checked here against a marshal and a CRC written from scratch.
 */
class WalEncodingTest {
  @TempDir Path tmp;

  private static List<Entry> oddEntries() {
    SplittableRandom rnd = new SplittableRandom(17);
    byte[] big = new byte[300 * 1024];
    rnd.nextBytes(big);
    ByteBuffer direct = ByteBuffer.allocateDirect(5000);
    for (int i = 0; i < 5000; i++) {
      direct.put((byte) (i * 31));
    }
    direct.flip();
    List<ByteString> data =
        List.of(
            ByteString.EMPTY,
            ByteString.copyFromUtf8("x"),
            ByteString.copyFrom(big, 0, 5000), // more than a page
            ByteString.copyFrom(big).substring(7, 7 + 1234),
            ByteString.copyFrom(big, 0, 100).concat(ByteString.copyFrom(big, 100, 9000)),
            UnsafeByteOperations.unsafeWrap(direct),
            ByteString.copyFrom(big)); // more than the 128 KiB buffer
    List<Entry> out = new ArrayList<>();
    long index = 1;
    // One entry without a data field at all (gogo omits it only when nil).
    out.add(Entry.newBuilder().setType(EntryType.EntryNormal).setTerm(1).setIndex(index++).build());
    for (ByteString d : data) {
      out.add(
          Entry.newBuilder()
              .setType(index % 2 == 0 ? EntryType.EntryNormal : EntryType.EntryConfChange)
              .setTerm(1L << 40)
              .setIndex(index++)
              .setData(d)
              .build());
    }
    return out;
  }

  @Test
  void entriesOfEveryShapeAreWrittenAsGoWritesThem() throws Exception {
    Path dir = tmp.resolve("wal");
    List<Entry> ents = oddEntries();
    try (Wal w = Wal.create(dir, METADATA, WalOptions.defaults())) {
      // One at a time and all together, so records straddle buffer flushes both ways.
      for (Entry e : ents) {
        w.save(state(1, 1, e.getIndex()), List.of(e));
      }
    }
    byte[] file = Files.readAllBytes(dir.resolve(WalNames.name(0, 0)));

    CRC32C chain = new CRC32C();
    int entriesSeen = 0;
    int p = 0;
    for (WalFixtures.Frame f : WalFixtures.frames(file)) {
      assertThat(f.offset()).isEqualTo(p);
      assertThat((8 + f.recBytes() + f.pad()) % 8).isZero();
      for (int i = 0; i < f.pad(); i++) {
        assertThat(file[(int) f.bodyOffset() + f.recBytes() + i]).isZero();
      }
      Record r = f.record();
      byte[] body =
          java.util.Arrays.copyOfRange(
              file, (int) f.bodyOffset(), (int) f.bodyOffset() + f.recBytes());
      if (r.getType() != RecordType.CRC) {
        chain.update(r.getData().toByteArray());
      }
      assertThat(r.getCrc()).isEqualTo((int) chain.getValue());
      assertThat(body)
          .isEqualTo(
              goRecord(
                  r.getType(),
                  r.getCrc(),
                  r.getType() == RecordType.CRC ? null : r.getData().toByteArray()));
      if (r.getType() == RecordType.ENTRY) {
        Entry e = ents.get(entriesSeen++);
        assertThat(r.getData().toByteArray()).isEqualTo(goEntry(e));
      }
      p = (int) f.end();
    }
    assertThat(entriesSeen).isEqualTo(ents.size());

    try (Wal w = Wal.open(dir, ZERO_SNAP)) {
      assertThat(w.readAll().entries()).isEqualTo(ents);
    }
  }

  /** gogo's {@code walpb.Record.Marshal}: type and crc always, data when non-nil. */
  private static byte[] goRecord(long type, int crc, byte[] data) {
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

  /** gogo's {@code raftpb.Entry.Marshal}: type, term, index always, data when non-nil. */
  private static byte[] goEntry(Entry e) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x08);
    varint(b, e.getType().getNumber());
    b.write(0x10);
    varint(b, e.getTerm());
    b.write(0x18);
    varint(b, e.getIndex());
    if (e.hasData()) {
      b.write(0x22);
      varint(b, e.getData().size());
      b.writeBytes(e.getData().toByteArray());
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
