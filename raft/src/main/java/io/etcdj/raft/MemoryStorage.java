package io.etcdj.raft;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Storage} backed by an in-memory list (etcd {@code raft/storage.go#MemoryStorage}). The
 * etcd server keeps one of these in front of the WAL: entries are appended here after the WAL has
 * synced them, and compaction follows snapshots.
 *
 * <p>Thread-safe: every method holds the instance lock, because raft reads it on its own thread
 * while the server loop writes it.
 */
public final class MemoryStorage implements Storage {

  @GuardedBy("this")
  private HardState hardState = HardState.getDefaultInstance();

  @GuardedBy("this")
  private Snapshot snapshot = emptySnapshot();

  /**
   * {@code ents.get(0)} is a dummy holding the index and term of the last compacted entry (or of
   * the snapshot), so term lookups of {@code firstIndex()-1} still work.
   */
  @GuardedBy("this")
  private List<Entry> ents = new ArrayList<>();

  public MemoryStorage() {
    ents.add(Entry.newBuilder().setIndex(0).setTerm(0).build());
  }

  private static Snapshot emptySnapshot() {
    return Snapshot.newBuilder()
        .setMetadata(
            SnapshotMetadata.newBuilder()
                .setIndex(0)
                .setTerm(0)
                .setConfState(ConfState.getDefaultInstance()))
        .build();
  }

  @Override
  public synchronized InitialState initialState() {
    return new InitialState(hardState, snapshot.getMetadata().getConfState());
  }

  /** Saves the current HardState. */
  public synchronized void setHardState(HardState st) {
    hardState = st;
  }

  @Override
  public synchronized List<Entry> entries(long lo, long hi, long maxSize) throws StorageException {
    long offset = ents.get(0).getIndex();
    if (lo <= offset) {
      throw new CompactedException();
    }
    if (hi > lastIndexLocked() + 1) {
      throw new IllegalStateException(
          String.format("entries' hi(%d) is out of bound lastindex(%d)", hi, lastIndexLocked()));
    }
    // Only the dummy entry is left.
    if (ents.size() == 1) {
      throw new UnavailableException();
    }
    // Limit on the view first so a far-behind reader does not copy the whole tail.
    return List.copyOf(
        RaftUtil.limitSize(ents.subList((int) (lo - offset), (int) (hi - offset)), maxSize));
  }

  @Override
  public synchronized long term(long i) throws StorageException {
    long offset = ents.get(0).getIndex();
    if (i < offset) {
      throw new CompactedException();
    }
    if (i - offset >= ents.size()) {
      throw new UnavailableException();
    }
    return ents.get((int) (i - offset)).getTerm();
  }

  @Override
  public synchronized long lastIndex() {
    return lastIndexLocked();
  }

  @GuardedBy("this")
  private long lastIndexLocked() {
    return ents.get(0).getIndex() + ents.size() - 1;
  }

  @Override
  public synchronized long firstIndex() {
    return firstIndexLocked();
  }

  @GuardedBy("this")
  private long firstIndexLocked() {
    return ents.get(0).getIndex() + 1;
  }

  @Override
  public synchronized Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Replaces the whole content with the given snapshot (used when a follower receives one).
   *
   * @throws SnapOutOfDateException if the snapshot is not newer than the one held
   */
  public synchronized void applySnapshot(Snapshot snap) throws SnapOutOfDateException {
    long msIndex = snapshot.getMetadata().getIndex();
    long snapIndex = snap.getMetadata().getIndex();
    if (msIndex >= snapIndex) {
      throw new SnapOutOfDateException();
    }
    snapshot = snap;
    List<Entry> fresh = new ArrayList<>();
    fresh.add(
        Entry.newBuilder()
            .setTerm(snap.getMetadata().getTerm())
            .setIndex(snap.getMetadata().getIndex())
            .build());
    ents = fresh;
  }

  /**
   * Records a snapshot at index {@code i} (which must be applied already) and returns it; {@code
   * cs} may be null to keep the previous ConfState. The log is not compacted; call {@link
   * #compact}.
   *
   * @throws SnapOutOfDateException if {@code i} is not newer than the current snapshot
   */
  public Snapshot createSnapshot(long i, ConfState cs, byte[] data) throws SnapOutOfDateException {
    return createSnapshot(i, cs, data == null ? null : ByteString.copyFrom(data));
  }

  /** As {@link #createSnapshot(long, ConfState, byte[])}, without copying the data. */
  public synchronized Snapshot createSnapshot(long i, ConfState cs, ByteString data)
      throws SnapOutOfDateException {
    if (i <= snapshot.getMetadata().getIndex()) {
      throw new SnapOutOfDateException();
    }
    long offset = ents.get(0).getIndex();
    if (i > lastIndexLocked()) {
      throw new IllegalStateException(
          String.format("snapshot %d is out of bound lastindex(%d)", i, lastIndexLocked()));
    }
    SnapshotMetadata.Builder md =
        snapshot.getMetadata().toBuilder()
            .setIndex(i)
            .setTerm(ents.get((int) (i - offset)).getTerm());
    if (cs != null) {
      md.setConfState(cs);
    }
    Snapshot.Builder b = Snapshot.newBuilder().setMetadata(md);
    if (data != null) {
      b.setData(data);
    }
    snapshot = b.build();
    return snapshot;
  }

  /**
   * Discards entries before {@code compactIndex}; the entry at {@code compactIndex} becomes the new
   * dummy. The caller must not compact past the applied index.
   *
   * @throws CompactedException if already compacted to or past {@code compactIndex}
   */
  public synchronized void compact(long compactIndex) throws CompactedException {
    long offset = ents.get(0).getIndex();
    if (compactIndex <= offset) {
      throw new CompactedException();
    }
    if (compactIndex > lastIndexLocked()) {
      throw new IllegalStateException(
          String.format(
              "compact %d is out of bound lastindex(%d)", compactIndex, lastIndexLocked()));
    }
    int i = (int) (compactIndex - offset);
    List<Entry> fresh = new ArrayList<>(ents.size() - i);
    Entry at = ents.get(i);
    fresh.add(Entry.newBuilder().setIndex(at.getIndex()).setTerm(at.getTerm()).build());
    fresh.addAll(ents.subList(i + 1, ents.size()));
    ents = fresh;
  }

  /**
   * Appends entries that must be contiguous with (or overlap) the current log; overlapping entries
   * replace the existing tail. Entries already compacted are skipped.
   */
  public synchronized void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = firstIndexLocked();
    long last = entries.get(0).getIndex() + entries.size() - 1;
    // Everything offered is already compacted.
    if (last < first) {
      return;
    }
    // Skip the compacted prefix.
    if (first > entries.get(0).getIndex()) {
      entries = entries.subList((int) (first - entries.get(0).getIndex()), entries.size());
    }
    long offset = entries.get(0).getIndex() - ents.get(0).getIndex();
    if (ents.size() > offset) {
      List<Entry> fresh = new ArrayList<>((int) offset + entries.size());
      fresh.addAll(ents.subList(0, (int) offset));
      fresh.addAll(entries);
      ents = fresh;
    } else if (ents.size() == offset) {
      ents.addAll(entries);
    } else {
      throw new IllegalStateException(
          String.format(
              "missing log entry [last: %d, append at: %d]",
              lastIndexLocked(), entries.get(0).getIndex()));
    }
  }
}
