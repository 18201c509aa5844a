package io.etcdj.raft;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries and an incoming snapshot not yet handed to the server for persistence (etcd {@code
 * raft/log_unstable.go}). {@code entries.get(i)} has index {@code offset + i}; {@code offset} may
 * be below the storage's last index when a new leader overwrites a not-yet-stable suffix.
 *
 * <p>Not thread-safe; owned by the raft state's thread.
 */
final class Unstable {
  /** An incoming snapshot, if any. */
  Snapshot snapshot;

  List<Entry> entries = new ArrayList<>();
  long offset;

  private final Logger logger;

  Unstable(long offset, Logger logger) {
    this.offset = offset;
    this.logger = logger;
  }

  /** First index, known only if a snapshot is pending. Returns -1 if unknown. */
  long maybeFirstIndex() {
    return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : -1;
  }

  /** Last index if there are unstable entries or a snapshot; -1 if unknown. */
  long maybeLastIndex() {
    if (!entries.isEmpty()) {
      return offset + entries.size() - 1;
    }
    return snapshot != null ? snapshot.getMetadata().getIndex() : -1;
  }

  /** Term of entry {@code i} if known here; -1 otherwise. */
  long maybeTerm(long i) {
    if (i < offset) {
      if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
        return snapshot.getMetadata().getTerm();
      }
      return -1;
    }
    long last = maybeLastIndex();
    if (last < 0 || i > last) {
      return -1;
    }
    return entries.get((int) (i - offset)).getTerm();
  }

  /**
   * Entries up to {@code i} (with term {@code t}) are persisted. A term mismatch means the entry
   * was replaced by a newer leader meanwhile, so nothing is dropped.
   */
  void stableTo(long i, long t) {
    long gt = maybeTerm(i);
    if (gt < 0) {
      return;
    }
    if (gt == t && i >= offset) {
      entries = new ArrayList<>(entries.subList((int) (i + 1 - offset), entries.size()));
      offset = i + 1;
    }
  }

  void stableSnapTo(long i) {
    if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
      snapshot = null;
    }
  }

  void restore(Snapshot s) {
    offset = s.getMetadata().getIndex() + 1;
    entries = new ArrayList<>();
    snapshot = s;
  }

  void truncateAndAppend(List<Entry> ents) {
    long after = ents.get(0).getIndex();
    if (after == offset + entries.size()) {
      // Directly after the current entries.
      entries.addAll(ents);
    } else if (after <= offset) {
      // Replaces everything unstable; the server will truncate its stored log at persist time.
      logger.info("replace the unstable entries from index %d", after);
      offset = after;
      entries = new ArrayList<>(ents);
    } else {
      logger.info("truncate the unstable entries before index %d", after);
      List<Entry> kept = new ArrayList<>(slice(offset, after));
      kept.addAll(ents);
      entries = kept;
    }
  }

  /** A read-only view of entries {@code [lo, hi)}. */
  List<Entry> slice(long lo, long hi) {
    mustCheckOutOfBounds(lo, hi);
    return entries.subList((int) (lo - offset), (int) (hi - offset));
  }

  private void mustCheckOutOfBounds(long lo, long hi) {
    if (lo > hi) {
      throw new IllegalStateException(String.format("invalid unstable.slice %d > %d", lo, hi));
    }
    long upper = offset + entries.size();
    if (lo < offset || hi > upper) {
      throw new IllegalStateException(
          String.format("unstable.slice[%d,%d) out of bound [%d,%d]", lo, hi, offset, upper));
    }
  }
}
