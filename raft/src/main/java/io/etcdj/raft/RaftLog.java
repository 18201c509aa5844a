package io.etcdj.raft;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The raft log as one sequence: persisted entries in {@link Storage} followed by {@link Unstable}
 * ones, plus the commit and apply cursors (etcd {@code raft/log.go}).
 *
 * <p>Not thread-safe; owned by the raft state's thread.
 */
final class RaftLog {
  final Storage storage;
  final Unstable unstable;

  /** Highest index known to be on a quorum's stable storage. */
  long committed;

  /** Highest index the application has applied; {@code applied <= committed}. */
  long applied;

  private final Logger logger;

  /** Limit on the bytes of committed entries handed out in one Ready. */
  private final long maxNextEntsSize;

  RaftLog(Storage storage, Logger logger, long maxNextEntsSize) {
    this.storage = storage;
    this.logger = logger;
    this.maxNextEntsSize = maxNextEntsSize;
    long firstIndex;
    long lastIndex;
    try {
      firstIndex = storage.firstIndex();
      lastIndex = storage.lastIndex();
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
    this.unstable = new Unstable(lastIndex + 1, logger);
    // Everything up to the snapshot is committed and applied by definition.
    this.committed = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  @Override
  public String toString() {
    return String.format(
        "committed=%d, applied=%d, unstable.offset=%d, len(unstable.Entries)=%d",
        committed, applied, unstable.offset, unstable.entries.size());
  }

  /**
   * Appends a leader's entries after {@code (index, logTerm)} if that entry matches; returns the
   * index of the last new entry, or -1 if the log does not match there.
   */
  long maybeAppend(long index, long logTerm, long committedByLeader, List<Entry> ents) {
    if (!matchTerm(index, logTerm)) {
      return -1;
    }
    long lastNewI = index + ents.size();
    long ci = findConflict(ents);
    if (ci == 0) {
      // Nothing new or conflicting.
    } else if (ci <= committed) {
      throw new IllegalStateException(
          String.format("entry %d conflict with committed entry [committed(%d)]", ci, committed));
    } else {
      long offset = index + 1;
      append(ents.subList((int) (ci - offset), ents.size()));
    }
    commitTo(Math.min(committedByLeader, lastNewI));
    return lastNewI;
  }

  long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).getIndex() - 1;
    if (after < committed) {
      throw new IllegalStateException(
          String.format("after(%d) is out of range [committed(%d)]", after, committed));
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /**
   * The index of the first entry that is new or whose term differs from ours, or 0 if all given
   * entries are already present. The entries must be contiguous.
   */
  long findConflict(List<Entry> ents) {
    for (Entry ne : ents) {
      if (!matchTerm(ne.getIndex(), ne.getTerm())) {
        if (ne.getIndex() <= lastIndex()) {
          logger.info(
              "found conflict at index %d [existing term: %d, conflicting term: %d]",
              ne.getIndex(), zeroTermOnErrCompacted(ne.getIndex()), ne.getTerm());
        }
        return ne.getIndex();
      }
    }
    return 0;
  }

  List<Entry> unstableEntries() {
    return unstable.entries;
  }

  /** Committed entries not yet applied (bounded by {@code maxNextEntsSize}). */
  List<Entry> nextEnts() {
    long off = Math.max(applied + 1, firstIndex());
    if (committed + 1 > off) {
      try {
        return slice(off, committed + 1, maxNextEntsSize);
      } catch (StorageException e) {
        throw new IllegalStateException(
            String.format("unexpected error when getting unapplied entries (%s)", e.getMessage()),
            e);
      }
    }
    return List.of();
  }

  boolean hasNextEnts() {
    long off = Math.max(applied + 1, firstIndex());
    return committed + 1 > off;
  }

  Snapshot snapshot() throws StorageException {
    if (unstable.snapshot != null) {
      return unstable.snapshot;
    }
    return storage.snapshot();
  }

  long firstIndex() {
    long i = unstable.maybeFirstIndex();
    if (i >= 0) {
      return i;
    }
    try {
      return storage.firstIndex();
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
  }

  long lastIndex() {
    long i = unstable.maybeLastIndex();
    if (i >= 0) {
      return i;
    }
    try {
      return storage.lastIndex();
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
  }

  void commitTo(long toCommit) {
    // Never decrease the commit index.
    if (committed < toCommit) {
      if (lastIndex() < toCommit) {
        throw new IllegalStateException(
            String.format(
                "tocommit(%d) is out of range [lastIndex(%d)]. Was the raft log corrupted,"
                    + " truncated, or lost?",
                toCommit, lastIndex()));
      }
      committed = toCommit;
    }
  }

  void appliedTo(long i) {
    if (i == 0) {
      return;
    }
    if (committed < i || i < applied) {
      throw new IllegalStateException(
          String.format(
              "applied(%d) is out of range [prevApplied(%d), committed(%d)]",
              i, applied, committed));
    }
    applied = i;
  }

  void stableTo(long i, long t) {
    unstable.stableTo(i, t);
  }

  void stableSnapTo(long i) {
    unstable.stableSnapTo(i);
  }

  long lastTerm() {
    try {
      return term(lastIndex());
    } catch (StorageException e) {
      throw new IllegalStateException(
          String.format("unexpected error when getting the last term (%s)", e.getMessage()), e);
    }
  }

  /**
   * The term of entry {@code i}; 0 when {@code i} is outside {@code [firstIndex()-1, lastIndex()]}.
   *
   * @throws CompactedException or {@link UnavailableException} as the storage reports them
   */
  long term(long i) throws StorageException {
    // The valid range includes the dummy entry before the first index.
    long dummyIndex = firstIndex() - 1;
    if (i < dummyIndex || i > lastIndex()) {
      return 0;
    }
    long t = unstable.maybeTerm(i);
    if (t >= 0) {
      return t;
    }
    try {
      return storage.term(i);
    } catch (CompactedException | UnavailableException e) {
      throw e;
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Entries from {@code i} to the end, limited to {@code maxSize}. */
  List<Entry> entries(long i, long maxSize) throws StorageException {
    if (i > lastIndex()) {
      return List.of();
    }
    return slice(i, lastIndex() + 1, maxSize);
  }

  /** Every entry still in the log (used by tests). */
  List<Entry> allEntries() {
    while (true) {
      try {
        return entries(firstIndex(), RaftUtil.NO_LIMIT);
      } catch (CompactedException e) {
        // A compaction raced with us; try again.
      } catch (StorageException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Whether a log ending at {@code (lasti, term)} is at least as up-to-date as ours (§5.4.1): a
   * later last term wins, and equal terms compare by length.
   */
  boolean isUpToDate(long lasti, long term) {
    long lt = lastTerm();
    return term > lt || (term == lt && lasti >= lastIndex());
  }

  boolean matchTerm(long i, long term) {
    try {
      return term(i) == term;
    } catch (StorageException e) {
      return false;
    }
  }

  /** Commits {@code maxIndex} if its entry is from {@code term} (§5.4.2: only current-term). */
  boolean maybeCommit(long maxIndex, long term) {
    if (maxIndex > committed && zeroTermOnErrCompacted(maxIndex) == term) {
      commitTo(maxIndex);
      return true;
    }
    return false;
  }

  void restore(Snapshot s) {
    logger.info(
        "log [%s] starts to restore snapshot [index: %d, term: %d]",
        this, s.getMetadata().getIndex(), s.getMetadata().getTerm());
    committed = s.getMetadata().getIndex();
    unstable.restore(s);
  }

  /** Entries in {@code [lo, hi)}, limited to {@code maxSize} (at least one entry). */
  List<Entry> slice(long lo, long hi, long maxSize) throws StorageException {
    mustCheckOutOfBounds(lo, hi);
    if (lo == hi) {
      return List.of();
    }
    List<Entry> ents = List.of();
    if (lo < unstable.offset) {
      long storedHi = Math.min(hi, unstable.offset);
      List<Entry> stored;
      try {
        stored = storage.entries(lo, storedHi, maxSize);
      } catch (CompactedException e) {
        throw e;
      } catch (UnavailableException e) {
        throw new IllegalStateException(
            String.format("entries[%d:%d) is unavailable from storage", lo, storedHi), e);
      }
      // The size limit cut the stored part short: stop there.
      if (stored.size() < storedHi - lo) {
        return stored;
      }
      ents = stored;
    }
    if (hi > unstable.offset) {
      List<Entry> u = unstable.slice(Math.max(lo, unstable.offset), hi);
      if (!ents.isEmpty()) {
        List<Entry> combined = new ArrayList<>(ents.size() + u.size());
        combined.addAll(ents);
        combined.addAll(u);
        ents = combined;
      } else {
        ents = u;
      }
    }
    return RaftUtil.limitSize(ents, maxSize);
  }

  private void mustCheckOutOfBounds(long lo, long hi) throws CompactedException {
    if (lo > hi) {
      throw new IllegalStateException(String.format("invalid slice %d > %d", lo, hi));
    }
    long fi = firstIndex();
    if (lo < fi) {
      throw new CompactedException();
    }
    long length = lastIndex() + 1 - fi;
    if (hi > fi + length) {
      throw new IllegalStateException(
          String.format("slice[%d,%d) out of bound [%d,%d]", lo, hi, fi, lastIndex()));
    }
  }

  /** The term of {@code i}, or 0 if it has been compacted. */
  long zeroTermOnErrCompacted(long i) {
    try {
      return term(i);
    } catch (CompactedException e) {
      return 0;
    } catch (StorageException e) {
      throw new IllegalStateException(String.format("unexpected error (%s)", e.getMessage()), e);
    }
  }
}
