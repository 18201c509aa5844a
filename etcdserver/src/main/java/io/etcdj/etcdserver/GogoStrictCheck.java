package io.etcdj.etcdserver;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Decides whether gogo-generated Go code would accept bytes as a message, which protobuf-java
 * cannot tell us: Java treats a known field with the wrong wire type as an unknown field, while
 * gogo's {@code Unmarshal} fails. etcd's apply loop tells v3 entries from bare v2 {@code Request}s
 * only by whether {@code InternalRaftRequest.Unmarshal} fails (wire facts §3.8), so this check must
 * follow gogo: a known field must have its exact wire type (repeated scalars also packed); nested
 * messages are checked the same way; unknown fields are skipped (groups included); end-group at
 * field level, field number 0, wire types 6 and 7, truncation and overlong varints are errors.
 *
 * <p>Stateless; safe from any thread.
 */
final class GogoStrictCheck {
  private GogoStrictCheck() {}

  /** Null when gogo accepts {@code data} as {@code type}, else an error text like gogo's. */
  static String check(Descriptor type, byte[] data) {
    try {
      message(type, data, 0, data.length);
      return null;
    } catch (Malformed e) {
      return e.getMessage();
    }
  }

  private static void message(Descriptor type, byte[] b, int from, int to) throws Malformed {
    int[] pos = {from};
    while (pos[0] < to) {
      int start = pos[0];
      long wire = varint(b, pos, to);
      int fieldNum = (int) (wire >>> 3);
      int wireType = (int) (wire & 7);
      if (wireType == 4) {
        throw new Malformed("proto: " + type.getName() + ": wiretype end group for non-group");
      }
      if (fieldNum <= 0) {
        throw new Malformed(
            "proto: " + type.getName() + ": illegal tag " + fieldNum + " (wire type " + wire + ")");
      }
      FieldDescriptor f = type.findFieldByNumber(fieldNum);
      if (f == null) {
        pos[0] = start;
        pos[0] = start + skip(b, start, to);
        if (pos[0] > to) {
          throw new Malformed("unexpected EOF");
        }
        continue;
      }
      int expected = wireTypeOf(f);
      boolean packed = f.isRepeated() && expected != 2 && wireType == 2;
      if (wireType != expected && !packed) {
        throw new Malformed("proto: wrong wireType = " + wireType + " for field " + f.getName());
      }
      switch (wireType) {
        case 0 -> varint(b, pos, to);
        case 1 -> advance(pos, 8, to);
        case 5 -> advance(pos, 4, to);
        case 2 -> {
          long len = varint(b, pos, to);
          if (len < 0 || len > Integer.MAX_VALUE) {
            throw new Malformed("proto: negative length found during unmarshaling");
          }
          int end = pos[0] + (int) len;
          if (end > to || end < 0) {
            throw new Malformed("unexpected EOF");
          }
          if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            message(f.getMessageType(), b, pos[0], end);
          } else if (packed) {
            int[] p = {pos[0]};
            while (p[0] < end) {
              switch (expected) {
                case 0 -> varint(b, p, end);
                case 1 -> advance(p, 8, end);
                default -> advance(p, 4, end);
              }
            }
          }
          pos[0] = end;
        }
        default -> throw new Malformed("proto: illegal wireType " + wireType);
      }
    }
    if (pos[0] > to) {
      throw new Malformed("unexpected EOF");
    }
  }

  private static int wireTypeOf(FieldDescriptor f) {
    return switch (f.getType()) {
      case DOUBLE, FIXED64, SFIXED64 -> 1;
      case FLOAT, FIXED32, SFIXED32 -> 5;
      case STRING, BYTES, MESSAGE -> 2;
      case GROUP -> 3;
      default -> 0;
    };
  }

  /** {@code skipXxx}: the length of the unknown field starting at {@code from}. */
  private static int skip(byte[] b, int from, int to) throws Malformed {
    int[] pos = {from};
    long wire = varint(b, pos, to);
    int wireType = (int) (wire & 7);
    switch (wireType) {
      case 0 -> varint(b, pos, to);
      case 1 -> pos[0] += 8;
      case 2 -> {
        long len = varint(b, pos, to);
        if (len < 0 || len > Integer.MAX_VALUE) {
          throw new Malformed("proto: negative length found during unmarshaling");
        }
        pos[0] += (int) len;
      }
      case 3 -> {
        while (true) {
          int inner = pos[0];
          long w = varint(b, pos, to);
          if ((w & 7) == 4) {
            break;
          }
          pos[0] = inner + skip(b, inner, to);
        }
      }
      case 4 -> {}
      case 5 -> pos[0] += 4;
      default -> throw new Malformed("proto: illegal wireType " + wireType);
    }
    return pos[0] - from;
  }

  private static void advance(int[] pos, int n, int to) throws Malformed {
    if (pos[0] + n > to) {
      throw new Malformed("unexpected EOF");
    }
    pos[0] += n;
  }

  private static long varint(byte[] b, int[] pos, int to) throws Malformed {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      if (shift >= 64) {
        throw new Malformed("proto: integer overflow");
      }
      if (pos[0] >= to) {
        throw new Malformed("unexpected EOF");
      }
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        return v;
      }
    }
  }

  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String msg) {
      super(msg, null, false, false);
    }
  }
}
