package io.etcdj.storage.wal;

import io.etcdj.storage.util.Crc32c;
import java.io.IOException;

/**
 * Appends framed {@code walpb.Record}s to one segment, keeping etcd's running CRC-32C ({@code
 * wal/encoder.go}).
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

  private final Segment file;
  private final byte[] buf = new byte[WATERMARK_BYTES + PAGE_BYTES];
  private int buffered;

  /** File offset where {@code buf[0]} goes. */
  private long flushedOffset;

  private int crc;

  RecordEncoder(Segment file, long offset, int prevCrc) {
    this.file = file;
    this.flushedOffset = offset;
    this.crc = prevCrc;
  }

  /** The running CRC after the last encoded record. */
  int crc() {
    return crc;
  }

  /** The file offset just past the last encoded record (buffered or not). */
  long offset() {
    return flushedOffset + buffered;
  }

  /**
   * Encodes one record. For every type but {@code crc} the stored crc is the running CRC after
   * {@code data}; a {@code crc} record carries {@code crcValue} and does not advance the chain.
   */
  void encode(long type, byte[] data) throws IOException {
    int recordCrc;
    if (type == RecordType.CRC) {
      recordCrc = crc;
    } else {
      if (data != null) {
        crc = Crc32c.update(crc, data);
      }
      recordCrc = crc;
    }
    int recBytes = GoWire.recordSize(type, recordCrc, data);
    int pad = Frames.padBytes(recBytes);
    byte[] frame = new byte[Frames.FRAME_SIZE_BYTES + recBytes + pad];
    Frames.putLongLe(frame, 0, Frames.lengthField(recBytes));
    GoWire.putRecord(frame, Frames.FRAME_SIZE_BYTES, type, recordCrc, data);
    write(frame, 0, frame.length);
  }

  /** Replaces the running CRC (a new segment starts from the previous one's final value). */
  void resetCrc(int value) {
    crc = value;
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
}
