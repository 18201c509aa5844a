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
 * <p>Stateless and thread-safe.
 */
final class GoWire {
  private GoWire() {}

  static byte[] entry(Entry e) {
    byte[] data = e.hasData() ? e.getData().toByteArray() : null;
    int size =
        1
            + varintSize(e.getType().getNumber())
            + 1
            + varintSize(e.getTerm())
            + 1
            + varintSize(e.getIndex());
    if (data != null) {
      size += 1 + varintSize(data.length) + data.length;
    }
    byte[] out = new byte[size];
    int p = 0;
    out[p++] = 0x08;
    p = putVarint(out, p, e.getType().getNumber());
    out[p++] = 0x10;
    p = putVarint(out, p, e.getTerm());
    out[p++] = 0x18;
    p = putVarint(out, p, e.getIndex());
    if (data != null) {
      out[p++] = 0x22;
      p = putVarint(out, p, data.length);
      System.arraycopy(data, 0, out, p, data.length);
    }
    return out;
  }

  static byte[] hardState(HardState s) {
    return threeVarints(s.getTerm(), s.getVote(), s.getCommit());
  }

  static byte[] snapshot(Snapshot s) {
    byte[] out = new byte[2 + varintSize(s.getIndex()) + varintSize(s.getTerm())];
    int p = 0;
    out[p++] = 0x08;
    p = putVarint(out, p, s.getIndex());
    out[p++] = 0x10;
    putVarint(out, p, s.getTerm());
    return out;
  }

  private static byte[] threeVarints(long a, long b, long c) {
    byte[] out = new byte[3 + varintSize(a) + varintSize(b) + varintSize(c)];
    int p = 0;
    out[p++] = 0x08;
    p = putVarint(out, p, a);
    out[p++] = 0x10;
    p = putVarint(out, p, b);
    out[p++] = 0x18;
    putVarint(out, p, c);
    return out;
  }

  /** Size of a marshaled {@code walpb.Record{type, crc, data}} (data omitted when null). */
  static int recordSize(long type, int crc, byte[] data) {
    int size = 1 + varintSize(type) + 1 + varintSize(crc & 0xffffffffL);
    if (data != null) {
      size += 1 + varintSize(data.length) + data.length;
    }
    return size;
  }

  /** Writes a marshaled {@code walpb.Record} at {@code out[p]}; returns the end position. */
  static int putRecord(byte[] out, int p, long type, int crc, byte[] data) {
    out[p++] = 0x08;
    p = putVarint(out, p, type);
    out[p++] = 0x10;
    p = putVarint(out, p, crc & 0xffffffffL);
    if (data != null) {
      out[p++] = 0x1a;
      p = putVarint(out, p, data.length);
      System.arraycopy(data, 0, out, p, data.length);
      p += data.length;
    }
    return p;
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
