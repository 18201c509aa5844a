package io.etcdj.raft.quorum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A set of voters whose decisions need a simple majority (etcd {@code quorum.MajorityConfig}). IDs
 * are unsigned 64-bit values held in {@code long}s and ordered as unsigned.
 *
 * <p>Mutable and not thread-safe; owned by the raft state's thread. {@link #copy()} before sharing.
 */
public final class MajorityConfig {
  private final TreeSet<Long> ids = new TreeSet<>(Long::compareUnsigned);

  public MajorityConfig() {}

  public static MajorityConfig of(long... voters) {
    MajorityConfig c = new MajorityConfig();
    for (long v : voters) {
      c.add(v);
    }
    return c;
  }

  public MajorityConfig copy() {
    MajorityConfig c = new MajorityConfig();
    c.ids.addAll(ids);
    return c;
  }

  public void add(long id) {
    ids.add(id);
  }

  public void remove(long id) {
    ids.remove(id);
  }

  public void clear() {
    ids.clear();
  }

  public boolean contains(long id) {
    return ids.contains(id);
  }

  public int size() {
    return ids.size();
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }

  /** The voter IDs in unsigned ascending order (read-only view). */
  public SortedSet<Long> ids() {
    return Collections.unmodifiableSortedSet(ids);
  }

  /** The voter IDs in unsigned ascending order, as a new list. */
  public List<Long> slice() {
    return new ArrayList<>(ids);
  }

  /**
   * The largest index acknowledged by a majority. An empty config returns {@link Long#MAX_VALUE} so
   * that it never constrains a joint config (etcd returns {@code math.MaxUint64}).
   */
  public long committedIndex(AckedIndexer l) {
    int n = ids.size();
    if (n == 0) {
      return Long.MAX_VALUE;
    }
    // Unknown voters count as having acknowledged index 0.
    long[] srt = new long[n];
    int i = n - 1;
    for (long id : ids) {
      OptionalLong idx = l.ackedIndex(id);
      if (idx.isPresent()) {
        srt[i--] = idx.getAsLong();
      }
    }
    Arrays.sort(srt);
    // With indexes sorted ascending, the element at n-(n/2+1) is covered by a majority.
    return srt[n - (n / 2 + 1)];
  }

  /** Tallies the votes (true = granted) cast by members of this config. */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    if (ids.isEmpty()) {
      // An empty config wins everything, so joint configs reduce to their other half.
      return VoteResult.VoteWon;
    }
    int yes = 0;
    int missing = 0;
    for (long id : ids) {
      Boolean v = votes.get(id);
      if (v == null) {
        missing++;
      } else if (v) {
        yes++;
      }
    }
    int q = ids.size() / 2 + 1;
    if (yes >= q) {
      return VoteResult.VoteWon;
    }
    if (yes + missing >= q) {
      return VoteResult.VotePending;
    }
    return VoteResult.VoteLost;
  }

  /** {@code (1 2 3)}, as etcd prints it. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("(");
    boolean first = true;
    for (long id : ids) {
      if (!first) {
        b.append(' ');
      }
      first = false;
      b.append(Long.toUnsignedString(id));
    }
    return b.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MajorityConfig other && other.ids.equals(ids);
  }

  @Override
  public int hashCode() {
    return ids.hashCode();
  }
}
