package io.etcdj.etcdserver.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import java.nio.charset.StandardCharsets;

/**
 * The clientv3 ops and options the recipes use, spelled as the requests clientv3 sends: {@code
 * WithPrefix}, {@code WithFirstCreate}, {@code WithLastCreate}, {@code WithMaxCreateRev}, {@code
 * Compare(CreateRevision(k), "=", rev)}, and Go's {@code %x} of a lease ID for the waiter keys.
 *
 * <p>Stateless.
 */
final class Ops {
  private Ops() {}

  /** {@code fmt.Sprintf("%s%x", pfx, lease)}. */
  static ByteString waiterKey(ByteString pfx, long lease) {
    return pfx.concat(ByteString.copyFrom(goHex(lease), StandardCharsets.US_ASCII));
  }

  /** Go's {@code %x} of an int64: lower-case hex, a minus sign for negatives. */
  static String goHex(long v) {
    return v < 0 ? "-" + Long.toUnsignedString(-v, 16) : Long.toHexString(v);
  }

  /** {@code GetPrefixRangeEnd}: the key after every key starting with {@code prefix}. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    // Every byte is 0xff (or the prefix is empty): the whole key space from the prefix on.
    return ByteString.copyFrom(new byte[] {0});
  }

  /** {@code OpGet(pfx, WithFirstCreate()...)}: the oldest key under {@code pfx}. */
  static RangeRequest firstCreate(ByteString pfx) {
    return top(pfx, RangeRequest.SortOrder.ASCEND).build();
  }

  /**
   * {@code OpGet(pfx, WithLastCreate(), WithMaxCreateRev(max))}: the newest key under {@code pfx}
   * created at or before {@code max}.
   */
  static RangeRequest lastCreateBefore(ByteString pfx, long max) {
    return top(pfx, RangeRequest.SortOrder.DESCEND).setMaxCreateRevision(max).build();
  }

  private static RangeRequest.Builder top(ByteString pfx, RangeRequest.SortOrder order) {
    return RangeRequest.newBuilder()
        .setKey(pfx)
        .setRangeEnd(prefixEnd(pfx))
        .setSortTarget(RangeRequest.SortTarget.CREATE)
        .setSortOrder(order)
        .setLimit(1);
  }

  /** {@code Compare(CreateRevision(key), "=", rev)}. */
  static Compare createRevisionIs(ByteString key, long rev) {
    return Compare.newBuilder()
        .setKey(key)
        .setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL)
        .setCreateRevision(rev)
        .build();
  }

  static RequestOp get(RangeRequest r) {
    return RequestOp.newBuilder().setRequestRange(r).build();
  }

  static RequestOp get(ByteString key) {
    return get(RangeRequest.newBuilder().setKey(key).build());
  }

  /** {@code OpPut(key, value, WithLease(lease))}. */
  static RequestOp put(ByteString key, ByteString value, long lease) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease))
        .build();
  }

  static RequestOp delete(ByteString key) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key))
        .build();
  }
}
