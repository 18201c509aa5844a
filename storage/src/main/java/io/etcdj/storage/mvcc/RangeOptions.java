package io.etcdj.storage.mvcc;

/**
 * How to read a range (etcd {@code mvcc.RangeOptions}, plus {@code keysOnly}, which etcd applies in
 * etcdserver after the range; doing it here saves a copy of every value).
 *
 * @param limit at most this many key-values are returned; {@code <= 0} means all. The count is
 *     always of the whole range.
 * @param rev the revision to read at; {@code <= 0} means the current one
 * @param count only count the keys, return no key-values
 * @param keysOnly return key-values without their values
 */
public record RangeOptions(long limit, long rev, boolean count, boolean keysOnly) {
  /** Everything at the current revision. */
  public static final RangeOptions DEFAULT = new RangeOptions(0, 0, false, false);

  /** etcd's three options; values included. */
  public RangeOptions(long limit, long rev, boolean count) {
    this(limit, rev, count, false);
  }

  public static RangeOptions atRev(long rev) {
    return new RangeOptions(0, rev, false, false);
  }
}
