package io.etcdj.storage.auth;

import com.google.protobuf.ByteString;
import io.etcdj.proto.authpb.Permission;
import io.etcdj.proto.authpb.Role;
import io.etcdj.proto.authpb.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One user's merged key permissions, read and write (etcd's {@code unifiedRangePermissions} in
 * {@code auth/range_perm_cache.go}), with the interval semantics of etcd's {@code adt} tree of
 * "bytes affine" intervals: an empty bound is +infinity, a permission without range end is the
 * point {@code [key, key+"\x00")}, a range end of {@code "\x00"} means "from key on". A single key
 * is permitted when some interval holds it; a range when the intervals it overlaps, taken in order
 * of their begins, cover it without a gap.
 *
 * <p>Immutable; safe from any thread.
 */
final class RangePermissions {
  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private final List<Interval> read;
  private final List<Interval> write;

  private RangePermissions(List<Interval> read, List<Interval> write) {
    this.read = read;
    this.write = write;
  }

  /** {@code getMergedPerms}: the permissions of every role of {@code u} that exists. */
  static RangePermissions merge(User u, Map<String, Role> roles) {
    List<Interval> read = new ArrayList<>();
    List<Interval> write = new ArrayList<>();
    for (String roleName : u.getRolesList()) {
      Role role = roles.get(roleName);
      if (role == null) {
        continue;
      }
      for (Permission p : role.getKeyPermissionList()) {
        Interval ivl;
        if (p.getRangeEnd().isEmpty()) {
          ivl = Interval.point(p.getKey());
        } else {
          ivl =
              new Interval(
                  p.getKey(), p.getRangeEnd().equals(ZERO) ? ByteString.EMPTY : p.getRangeEnd());
        }
        switch (p.getPermType()) {
          case READWRITE -> {
            read.add(ivl);
            write.add(ivl);
          }
          case READ -> read.add(ivl);
          case WRITE -> write.add(ivl);
          default -> {}
        }
      }
    }
    Comparator<Interval> byBegin = (a, b) -> affine(a.begin, b.begin);
    read.sort(byBegin);
    write.sort(byBegin);
    return new RangePermissions(List.copyOf(read), List.copyOf(write));
  }

  /**
   * {@code isRangeOpPermitted}: {@code rangeEnd} empty checks the single key, otherwise the range
   * ({@code "\x00"} = from key on).
   */
  boolean permitted(ByteString key, ByteString rangeEnd, Permission.Type type) {
    List<Interval> perms = type == Permission.Type.READ ? read : write;
    if (rangeEnd.isEmpty()) {
      return intersects(perms, Interval.point(key));
    }
    ByteString end = rangeEnd.equals(ZERO) ? ByteString.EMPTY : rangeEnd;
    return contains(perms, new Interval(key, end));
  }

  private static boolean intersects(List<Interval> perms, Interval ivl) {
    for (Interval p : perms) {
      if (p.overlaps(ivl)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code adt.IntervalTree.Contains}: the overlapping intervals cover {@code ivl} contiguously.
   */
  private static boolean contains(List<Interval> perms, Interval ivl) {
    ByteString minBegin = null;
    ByteString maxEnd = null;
    for (Interval p : perms) {
      if (!p.overlaps(ivl)) {
        continue;
      }
      if (minBegin == null) {
        minBegin = p.begin;
        maxEnd = p.end;
        continue;
      }
      if (affine(maxEnd, p.begin) < 0) {
        return false;
      }
      if (affine(p.end, maxEnd) > 0) {
        maxEnd = p.end;
      }
    }
    return minBegin != null && affine(maxEnd, ivl.end) >= 0 && affine(minBegin, ivl.begin) <= 0;
  }

  /** {@code BytesAffineComparable.Compare}: bytes order, where empty is greater than anything. */
  static int affine(ByteString a, ByteString b) {
    if (a.isEmpty()) {
      return b.isEmpty() ? 0 : 1;
    }
    if (b.isEmpty()) {
      return -1;
    }
    return BYTES.compare(a, b);
  }

  /** A half-open interval {@code [begin, end)} of affine bounds. */
  private record Interval(ByteString begin, ByteString end) {
    static Interval point(ByteString key) {
      return new Interval(key, key.concat(ZERO));
    }

    /** {@code adt.Interval.Compare == 0}. */
    boolean overlaps(Interval o) {
      return affine(begin, o.end) < 0 && affine(end, o.begin) > 0;
    }
  }
}
