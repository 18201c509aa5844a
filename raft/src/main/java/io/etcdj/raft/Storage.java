package io.etcdj.raft;

import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.List;

/**
 * The stable log raft reads from (etcd {@code raft/storage.go#Storage}). Raft only reads it; the
 * server loop writes to the concrete implementation after persisting a {@link Ready} (WAL first,
 * then the in-memory index), so implementations must tolerate a reader on the raft thread and a
 * writer on the server thread.
 *
 * <p>The {@link Snapshot} returned here is the raftpb message: its {@code data} is whatever the
 * server chose to put there (etcd 3.4 puts the v2 store JSON there and streams the v3 database
 * separately), so raft never forces the database bytes into memory.
 *
 * <p>If any method throws something other than the documented {@link StorageException}s, raft
 * treats the node as broken and propagates it.
 */
public interface Storage {

  /** The persisted HardState and the ConfState of the latest snapshot. */
  InitialState initialState() throws StorageException;

  /**
   * Entries in {@code [lo, hi)}, limited to {@code maxSize} serialized bytes but always at least
   * one entry when any is available.
   *
   * @throws CompactedException if {@code lo} has been compacted away
   * @throws UnavailableException if the entries are not (yet) available
   */
  List<Entry> entries(long lo, long hi, long maxSize) throws StorageException;

  /**
   * The term of entry {@code i}, which must be in {@code [firstIndex()-1, lastIndex()]}. The term
   * of {@code firstIndex()-1} is kept for matching even though the entry itself is compacted.
   */
  long term(long i) throws StorageException;

  /** Index of the last entry in the log. */
  long lastIndex() throws StorageException;

  /**
   * Index of the first entry that may be available through {@link #entries}; older entries were
   * folded into the latest snapshot.
   */
  long firstIndex() throws StorageException;

  /**
   * The most recent snapshot. Throws {@link SnapshotTemporarilyUnavailableException} while one is
   * being prepared; raft then waits and retries.
   */
  Snapshot snapshot() throws StorageException;

  /** The two values returned by {@link #initialState()}. */
  record InitialState(HardState hardState, ConfState confState) {}
}
