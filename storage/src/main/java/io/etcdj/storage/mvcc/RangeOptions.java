package io.etcdj.storage.mvcc;

/**
 * How to read a range (etcd {@code mvcc.RangeOptions}).
 *
 * @param limit at most this many key-values are returned; {@code <= 0} means all
 * @param rev the revision to read at; {@code <= 0} means the current one
 * @param count only count the keys, return no key-values
 */
public record RangeOptions(long limit, long rev, boolean count) {
  /** Everything at the current revision. */
  public static final RangeOptions DEFAULT = new RangeOptions(0, 0, false);

  public static RangeOptions atRev(long rev) {
    return new RangeOptions(0, rev, false);
  }
}
