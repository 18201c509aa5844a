package io.etcdj.storage.node;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * What a range read found, with etcd's {@code RangeResponse} fields worked out (etcd {@code
 * applierV3backend.Range}).
 *
 * <p>Immutable.
 *
 * @param kvs the key-values in key order, at most the limit; empty for a count-only read
 * @param count how many keys the range holds at the revision read, regardless of the limit
 * @param more whether the limit cut the result short (etcd's {@code more})
 * @param rev the store revision when the read ran (not the revision read at)
 */
public record Range(List<KeyValue> kvs, long count, boolean more, long rev) {
  public Range {
    kvs = List.copyOf(kvs);
  }
}
