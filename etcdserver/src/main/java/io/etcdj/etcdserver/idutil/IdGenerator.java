package io.etcdj.etcdserver.idutil;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pkg/idutil.Generator}: unique request, lease and conf-change IDs. The top 16 bits are the
 * low 16 bits of the member ID; the low 48 bits start at {@code (unixMillis mod 2^40) << 8} and
 * count up by one per ID, so a restarted member (a later start time) does not reuse IDs and two
 * members do not collide.
 *
 * <p>Thread-safe: {@link #next()} may be called from any thread.
 */
public final class IdGenerator {
  private static final int TS_LEN = 5 * 8;
  private static final int CNT_LEN = 8;
  private static final int SUFFIX_LEN = TS_LEN + CNT_LEN;
  private static final long SUFFIX_MASK = (1L << SUFFIX_LEN) - 1;
  private static final long TS_MASK = (1L << TS_LEN) - 1;

  private final long prefix;
  private final AtomicLong suffix;

  /**
   * @param memberId the local member ID; only its low 16 bits are used, as Go's {@code uint16(id)}
   * @param startUnixMillis the start time in Unix milliseconds (injected, not read here)
   */
  public IdGenerator(long memberId, long startUnixMillis) {
    this.prefix = (memberId & 0xFFFFL) << SUFFIX_LEN;
    this.suffix = new AtomicLong((startUnixMillis & TS_MASK) << CNT_LEN);
  }

  /** The next ID: prefix | (++suffix mod 2^48). */
  public long next() {
    return prefix | (suffix.incrementAndGet() & SUFFIX_MASK);
  }
}
