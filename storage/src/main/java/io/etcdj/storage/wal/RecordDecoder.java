package io.etcdj.storage.wal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.proto.walpb.Record;
import io.etcdj.storage.util.Crc32c;
import java.io.IOException;
import java.util.List;

/**
 * Reads framed records from a run of segments in order, checking every record against the running
 * CRC-32C ({@code wal/decoder.go}).
 *
 * <p>A zero length word or the end of a file moves on to the next segment. A record that cannot be
 * read completely, or fails to parse or verify but contains an all-zero sector chunk, in the
 * <em>last</em> segment is reported as a torn write ({@link WalError#UNEXPECTED_EOF}); anything
 * else wrong is corruption.
 *
 * <p>Not thread-safe; used by one thread for one pass.
 */
final class RecordDecoder {
  private final List<Segment> files;
  private int current;

  /** File offset of the next byte to read into {@link #readBuf}. */
  private long position;

  private final byte[] readBuf = new byte[64 * 1024];
  private int readPos;
  private int readLimit;

  /** Offset, in the current file, just past the last record that decoded cleanly. */
  private long lastValidOffset;

  private final Crc32c crc = new Crc32c(0);

  RecordDecoder(List<Segment> files) {
    this.files = files;
  }

  /** The running CRC after the last record. */
  int crc() {
    return crc.value();
  }

  /** Restarts the chain at a crc record's value (the start of a segment). */
  void updateCrc(int prev) {
    crc.reset(prev);
  }

  long lastOffset() {
    return lastValidOffset;
  }

  /** Returns the next record, or null at the end of the last segment. */
  Record decode() throws IOException {
    while (current < files.size()) {
      byte[] word = new byte[Frames.FRAME_SIZE_BYTES];
      int got = readUpTo(word, Frames.FRAME_SIZE_BYTES);
      if (got == 0 || (got == Frames.FRAME_SIZE_BYTES && Frames.getLongLe(word, 0) == 0)) {
        // End of this file or of its preallocated zeros.
        if (current == files.size() - 1) {
          // Keep lastValidOffset: it is where appending resumes.
          current++;
          return null;
        }
        nextFile();
        continue;
      }
      if (got < Frames.FRAME_SIZE_BYTES) {
        throw new WalException(WalError.UNEXPECTED_EOF, "partial length word in " + where());
      }
      long field = Frames.getLongLe(word, 0);
      long recBytes = Frames.recordBytes(field);
      int pad = Frames.padOf(field);
      if (recBytes >= Frames.MAX_RECORD_BYTES - pad) {
        throw new WalException(
            WalError.MAX_ENTRY_SIZE_LIMIT_EXCEEDED, recBytes + " bytes at " + where());
      }
      if (!Frames.isWrittenShape(field)) {
        // Go would read on with the low bits; but no etcd ever wrote this word, and reading on
        // from a damaged length word lands at a wrong offset, where a garbage size running past
        // the end would pass for a torn tail and cut every later record off (WalDamageTest).
        throw new WalException(
            WalError.CORRUPT_RECORD,
            "bad length word 0x" + Long.toHexString(field) + " at " + where());
      }
      int total = (int) recBytes + pad;
      byte[] data = new byte[total];
      int read = readUpTo(data, total);
      if (read < total) {
        if (current == files.size() - 1) {
          checkNotMisframed(data, read, recBytes);
        }
        throw new WalException(WalError.UNEXPECTED_EOF, "record cut short at " + where());
      }
      Record rec;
      try {
        // Aliasing: the record's data is a view of `data` (fresh per record, never reused), not a
        // second copy.
        CodedInputStream in =
            UnsafeByteOperations.unsafeWrap(data, 0, (int) recBytes).newCodedInput();
        in.enableAliasing(true);
        rec = Record.parser().parseFrom(in);
      } catch (InvalidProtocolBufferException e) {
        if (isTorn(data)) {
          checkNotMisframed(data, total, recBytes);
          throw new WalException(WalError.UNEXPECTED_EOF, "torn record at " + where());
        }
        throw new WalException(WalError.CORRUPT_RECORD, where() + ": " + e.getMessage(), e);
      }
      if (rec.getType() != RecordType.CRC) {
        int before = crc.value();
        if (rec.hasData()) {
          crc.update(rec.getData());
        }
        if (rec.getCrc() != crc.value()) {
          if (isTorn(data)) {
            crc.reset(before);
            checkNotMisframed(data, total, recBytes);
            throw new WalException(WalError.UNEXPECTED_EOF, "torn record at " + where());
          }
          throw new WalException(WalError.RECORD_CRC_MISMATCH, where());
        }
      }
      lastValidOffset += Frames.FRAME_SIZE_BYTES + total;
      return rec;
    }
    return null;
  }

  /**
   * Before calling a bad record torn, makes sure its length word is not simply damaged: if the
   * record's own fields (type, crc, data length) describe a different size and the record verifies
   * against the CRC chain at that size, every byte of it was written, so the length word was
   * corrupted afterwards. etcd would cut the log there and silently drop acknowledged records; we
   * report corruption instead. Real torn writes never pass this test (their data fails the CRC).
   */
  private void checkNotMisframed(byte[] data, int available, long claimedBytes)
      throws WalException {
    FrameBody body = FrameBody.parse(data, available);
    if (body == null || body.recBytes() == claimedBytes) {
      return;
    }
    boolean verifies =
        body.type() == RecordType.CRC
            ? crc.value() != 0 && body.crc() == crc.value()
            : Crc32c.update(crc.value(), data, body.dataOffset(), body.dataLength()) == body.crc();
    if (verifies) {
      throw new WalException(
          WalError.CORRUPT_RECORD,
          "length word says "
              + claimedBytes
              + " bytes but an intact "
              + body.recBytes()
              + "-byte record is there, at "
              + where());
    }
  }

  /** Whether we are reading the last segment and the record looks half-written. */
  private boolean isTorn(byte[] data) {
    if (current != files.size() - 1) {
      return false;
    }
    return Frames.hasZeroSectorChunk(data, data.length, lastValidOffset + Frames.FRAME_SIZE_BYTES);
  }

  private String where() {
    return "file #" + current + " offset " + lastValidOffset;
  }

  private void nextFile() {
    current++;
    position = 0;
    lastValidOffset = 0;
    readPos = 0;
    readLimit = 0;
  }

  /** Reads up to {@code n} bytes into {@code out}; fewer only at the end of the file. */
  private int readUpTo(byte[] out, int n) throws IOException {
    int done = 0;
    while (done < n) {
      if (readPos == readLimit) {
        int r = files.get(current).read(readBuf, 0, readBuf.length, position);
        if (r <= 0) {
          return done;
        }
        position += r;
        readPos = 0;
        readLimit = r;
      }
      int k = Math.min(n - done, readLimit - readPos);
      System.arraycopy(readBuf, readPos, out, done, k);
      readPos += k;
      done += k;
    }
    return done;
  }
}
