package io.etcdj.storage.wal;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Snapshot;

/**
 * Marshals the few messages the WAL writes the way Go's gogo-protobuf does, so our files are
 * byte-identical to etcd's: scalar fields that gogo always emits ({@code Entry} type/term/index,
 * {@code HardState} term/vote/commit, {@code walpb.Snapshot} index/term, {@code Record} type/crc)
 * are written even when zero, whereas Java's proto2 runtime would skip unset ones.
 *
 * <p>Everything is written into a caller's buffer; an entry's data bytes are not copied here but
 * follow the head that {@link #putEntryHead} writes, so the encoder can take them straight from the
 * entry's {@code ByteString}.
 *
 * <p>Stateless and thread-safe.
 */
final class GoWire {
  /**
   * The most bytes {@link #putEntryHead} writes: three tags, three 10-byte varints, data tag + len.
   */
  static final int MAX_ENTRY_HEAD = 3 * 11 + 1 + 5;

  /** The most bytes {@link #putRecordHead} writes. */
  static final int MAX_RECORD_HEAD = 1 + 10 + 1 + 5 + 1 + 5;

  private GoWire() {}

  /**
   * Writes {@code raftpb.Entry}'s fields up to and including the data field's tag and length (the
   * data bytes themselves are the caller's to append); returns the end position.
   */
  static int putEntryHead(byte[] out, int p, Entry e) {
    out[p++] = 0x08;
    p = putVarint(out, p, e.getType().getNumber());
    out[p++] = 0x10;
    p = putVarint(out, p, e.getTerm());
    out[p++] = 0x18;
    p = putVarint(out, p, e.getIndex());
    if (e.hasData()) {
      out[p++] = 0x22;
      p = putVarint(out, p, e.getData().size());
    }
    return p;
  }

  /** Writes a marshaled {@code raftpb.HardState}; returns the end position. */
  static int putHardState(byte[] out, int p, HardState s) {
    out[p++] = 0x08;
    p = putVarint(out, p, s.getTerm());
    out[p++] = 0x10;
    p = putVarint(out, p, s.getVote());
    out[p++] = 0x18;
    return putVarint(out, p, s.getCommit());
  }

  /** Writes a marshaled {@code walpb.Snapshot}; returns the end position. */
  static int putSnapshot(byte[] out, int p, Snapshot s) {
    out[p++] = 0x08;
    p = putVarint(out, p, s.getIndex());
    out[p++] = 0x10;
    return putVarint(out, p, s.getTerm());
  }

  /**
   * Writes the fields of a {@code walpb.Record} that precede its data bytes: type, crc and, when
   * the record has data ({@code dataLength >= 0}), the data tag and length. Returns the end.
   */
  static int putRecordHead(byte[] out, int p, long type, int crc, int dataLength) {
    out[p++] = 0x08;
    p = putVarint(out, p, type);
    out[p++] = 0x10;
    p = putVarint(out, p, crc & 0xffffffffL);
    if (dataLength >= 0) {
      out[p++] = 0x1a;
      p = putVarint(out, p, dataLength);
    }
    return p;
  }

  /** Size of a marshaled {@code walpb.Record}; {@code dataLength < 0} for a record without data. */
  static int recordSize(long type, int crc, int dataLength) {
    int size = 1 + varintSize(type) + 1 + varintSize(crc & 0xffffffffL);
    if (dataLength >= 0) {
      size += 1 + varintSize(dataLength) + dataLength;
    }
    return size;
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  static int putVarint(byte[] out, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      out[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }
}
