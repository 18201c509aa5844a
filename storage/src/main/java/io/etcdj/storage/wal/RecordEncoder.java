package io.etcdj.storage.wal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Snapshot;
import io.etcdj.storage.util.Crc32c;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Appends framed {@code walpb.Record}s to one segment, keeping etcd's running CRC-32C ({@code
 * wal/encoder.go}).
 *
 * <p>Records are marshaled straight into the page buffer: the length word and the record's own
 * fields go through a small scratch array, and an entry's data is copied once, from its {@code
 * ByteString} into the buffer (the CRC reads it in place first). No array is allocated per record.
 *
 * <p>Writes are buffered and reach the file in whole 4 KiB pages (relative to the file start), as
 * Go's {@code ioutil.PageWriter} does, so that a crash tears records at sector boundaries where
 * etcd's torn-write rule can recognise it. {@link #flush()} writes the partial last page too.
 *
 * <p>Not thread-safe; owned by its {@link Wal}.
 */
final class RecordEncoder {
  /** etcd's {@code walPageBytes}: 8 sectors. */
  static final int PAGE_BYTES = 8 * Frames.MIN_SECTOR_SIZE;

  /** Go's {@code defaultBufferBytes} for the page writer. */
  private static final int WATERMARK_BYTES = 128 * 1024;

  private static final byte[] ZEROS = new byte[8];

  private final Segment file;
  private final byte[] buf = new byte[WATERMARK_BYTES + PAGE_BYTES];
  private int buffered;

  /** File offset where {@code buf[0]} goes. */
  private long flushedOffset;

  private final Crc32c crc;

  /** The data's leading fields (all of it for small records). */
  private final byte[] head = new byte[GoWire.MAX_ENTRY_HEAD];

  /** Length word, record fields and {@link #head}, written to the buffer in one piece. */
  private final byte[] frame =
      new byte[Frames.FRAME_SIZE_BYTES + GoWire.MAX_RECORD_HEAD + GoWire.MAX_ENTRY_HEAD];

  /** Copies a ByteString's chunks into the page buffer. */
  private final ByteOutput sink = new BufferSink();

  RecordEncoder(Segment file, long offset, int prevCrc) {
    this.file = file;
    this.flushedOffset = offset;
    this.crc = new Crc32c(prevCrc);
  }

  /** The running CRC after the last encoded record. */
  int crc() {
    return crc.value();
  }

  /** The file offset just past the last encoded record (buffered or not). */
  long offset() {
    return flushedOffset + buffered;
  }

  /** A {@code crc} record: carries the running CRC, has no data, does not advance the chain. */
  void encodeCrc() throws IOException {
    writeRecord(RecordType.CRC, -1, null);
  }

  void encodeMetadata(ByteString metadata) throws IOException {
    writeRecord(RecordType.METADATA, 0, metadata);
  }

  void encodeEntry(Entry e) throws IOException {
    int n = GoWire.putEntryHead(head, 0, e);
    writeRecord(RecordType.ENTRY, n, e.hasData() ? e.getData() : null);
  }

  void encodeState(HardState st) throws IOException {
    writeRecord(RecordType.STATE, GoWire.putHardState(head, 0, st), null);
  }

  void encodeSnapshot(Snapshot snap) throws IOException {
    writeRecord(RecordType.SNAPSHOT, GoWire.putSnapshot(head, 0, snap), null);
  }

  /**
   * Writes one record whose data is {@code head[0, headLength)} followed by {@code tail} (either
   * may be empty); {@code headLength < 0} for the data-less crc record. For every type but {@code
   * crc} the stored crc is the running CRC after the data.
   */
  private void writeRecord(long type, int headLength, ByteString tail) throws IOException {
    int dataLength = -1;
    if (headLength >= 0) {
      dataLength = headLength + (tail == null ? 0 : tail.size());
      crc.update(head, 0, headLength);
      if (tail != null) {
        crc.update(tail);
      }
    }
    int recordCrc = crc.value();
    int recBytes = GoWire.recordSize(type, recordCrc, dataLength);
    Frames.putLongLe(frame, 0, Frames.lengthField(recBytes));
    int p = GoWire.putRecordHead(frame, Frames.FRAME_SIZE_BYTES, type, recordCrc, dataLength);
    if (headLength > 0) {
      System.arraycopy(head, 0, frame, p, headLength);
      p += headLength;
    }
    write(frame, 0, p);
    if (tail != null && !tail.isEmpty()) {
      UnsafeByteOperations.unsafeWriteTo(tail, sink);
    }
    int pad = Frames.padBytes(recBytes);
    if (pad != 0) {
      write(ZEROS, 0, pad);
    }
  }

  private void write(byte[] p, int off, int len) throws IOException {
    while (true) {
      if (buffered + len <= WATERMARK_BYTES) {
        System.arraycopy(p, off, buf, buffered, len);
        buffered += len;
        return;
      }
      // Fill the buffer up to the next page boundary, then write out whole pages only.
      int slack = (int) (PAGE_BYTES - ((flushedOffset + buffered) % PAGE_BYTES));
      if (slack != PAGE_BYTES) {
        int n = Math.min(slack, len);
        System.arraycopy(p, off, buf, buffered, n);
        buffered += n;
        off += n;
        len -= n;
        if (n < slack) {
          return;
        }
      }
      flush();
      if (len > PAGE_BYTES) {
        int whole = (len / PAGE_BYTES) * PAGE_BYTES;
        writeAt(p, off, whole);
        off += whole;
        len -= whole;
      }
    }
  }

  /** Writes every buffered byte to the file (without syncing). */
  void flush() throws IOException {
    if (buffered > 0) {
      writeAt(buf, 0, buffered);
      buffered = 0;
    }
  }

  private void writeAt(byte[] p, int off, int len) throws IOException {
    file.write(p, off, len, flushedOffset);
    flushedOffset += len;
  }

  /**
   * Takes the chunks a ByteString hands out (its own arrays, never kept past the call) into the
   * page buffer.
   */
  private final class BufferSink extends ByteOutput {
    private final byte[] one = new byte[1];

    @Override
    public void write(byte value) throws IOException {
      one[0] = value;
      RecordEncoder.this.write(one, 0, 1);
    }

    @Override
    public void write(byte[] value, int offset, int length) throws IOException {
      RecordEncoder.this.write(value, offset, length);
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) throws IOException {
      RecordEncoder.this.write(value, offset, length);
    }

    @Override
    public void write(ByteBuffer value) throws IOException {
      if (value.hasArray()) {
        RecordEncoder.this.write(
            value.array(), value.arrayOffset() + value.position(), value.remaining());
        return;
      }
      // A direct or read-only buffer: through a bounded temporary array.
      ByteBuffer v = value.duplicate();
      byte[] chunk = new byte[Math.min(v.remaining(), 8192)];
      while (v.hasRemaining()) {
        int n = Math.min(chunk.length, v.remaining());
        v.get(chunk, 0, n);
        RecordEncoder.this.write(chunk, 0, n);
      }
    }

    @Override
    public void writeLazy(ByteBuffer value) throws IOException {
      write(value);
    }
  }
}
