package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * What a range read found (etcd {@code mvcc.RangeResult}).
 *
 * @param kvs the key-values in key order, at most {@code limit}; empty for count-only reads
 * @param rev the store's revision when the read ran (not the revision read at)
 * @param count how many keys matched, regardless of the limit
 */
public record RangeResult(List<KeyValue> kvs, long rev, long count) {
  public RangeResult {
    kvs = List.copyOf(kvs);
  }
}
