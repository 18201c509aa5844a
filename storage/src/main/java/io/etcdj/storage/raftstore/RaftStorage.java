package io.etcdj.storage.raftstore;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.storage.snap.SnapDb;
import io.etcdj.storage.snap.SnapError;
import io.etcdj.storage.snap.SnapException;
import io.etcdj.storage.snap.Snapshotter;
import io.etcdj.storage.util.MemberLogger;
import io.etcdj.storage.wal.Wal;
import io.etcdj.storage.wal.WalError;
import io.etcdj.storage.wal.WalException;
import io.etcdj.storage.wal.WalOptions;
import io.etcdj.storage.wal.WalReadResult;
import io.etcdj.storage.wal.WalScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * etcd's {@code etcdserver.Storage}: the WAL, the {@code .snap} files and the received {@code
 * .snap.db} files behind the few calls a raft loop makes ({@code etcdserver/storage.go}).
 *
 * <h2>Rules the raft loop must follow</h2>
 *
 * <ol>
 *   <li><b>Persist a Ready with {@link #persist}</b>, which does etcd 3.4.23's order ({@code
 *       etcdserver/raft.go}): the {@code .snap} file, then the WAL snapshot record ({@link
 *       #saveSnap}), then {@code Save(HardState, entries)}, then, if there was a snapshot, a {@link
 *       #sync}. Only after {@code persist} returns may the loop call {@code
 *       MemoryStorage.applySnapshot}, then {@link #release}, then {@code MemoryStorage.append}.
 *   <li><b>A snapshot and its HardState are persisted together.</b> A Ready that carries a snapshot
 *       also carries a HardState whose commit is at least the snapshot's index; both must be on
 *       disk before the older WAL segments and snapshot databases are released. If they are not, a
 *       restart finds a HardState whose commit is behind the snapshot and raft refuses to start
 *       ("state.commit X is out of range"). {@link #save} refuses a HardState that would leave a
 *       just-saved snapshot without its commit, and {@link #release} refuses a snapshot whose
 *       HardState is not yet synced; both throw {@link IllegalStateException}.
 *   <li><b>On restart, raft's {@code applied} starts at the snapshot's index</b> ({@link
 *       Restarted#appliedFloor()}), not at the backend's consistent index. raft rebuilds its
 *       membership only from the snapshot's ConfState plus the conf-change entries it hands back as
 *       committed, so raft's {@code Config.applied} may pass the snapshot index only if the server
 *       also restores every conf change after it into raft itself. The server skips re-applying
 *       entries to the backend with the consistent index, but it must still feed their conf changes
 *       to raft (as etcd does: {@code restartNode} leaves {@code Applied} unset).
 *   <li><b>A snapshot for a peer is generated from the applied state</b>, as etcd's {@code
 *       createMergedSnapshotMessage} does: metadata (index, term, ConfState) of what the server has
 *       applied, not the last snapshot stored here. A member added after the last stored snapshot
 *       is missing from that snapshot's ConfState, and raft on the new member ignores a snapshot
 *       that does not list it, so it would never catch up. {@link #requireIncludes} checks this
 *       before sending.
 * </ol>
 *
 * <p>Threading: one owner thread, the raft loop, calls everything (as {@link Wal}). Interrupting it
 * does not disturb the files (see {@link Wal}), but stop it cooperatively all the same: the
 * interrupt status is left set for the loop to act on. The methods are synchronized so that a
 * snapshot task may call {@link #saveSnap} and {@link #release} for a snapshot of the applied
 * state, as etcd's snapshot goroutine does.
 */
public final class RaftStorage implements AutoCloseable {
  private final Wal wal;
  private final Snapshotter snapshotter;
  private final SnapDb snapDb;
  private final MemberLogger log;

  /** Index of a snapshot saved since the last HardState that covers it; 0 if none. */
  private long snapAwaitingState;

  /** Commit of the last HardState handed to the WAL, and of the last one known to be synced. */
  private long savedCommit;

  private long syncedCommit;
  private HardState lastState = HardState.getDefaultInstance();

  private RaftStorage(Wal wal, Path snapDir, long memberId) {
    this.wal = wal;
    this.snapshotter = new Snapshotter(snapDir, memberId);
    this.snapDb = new SnapDb(snapDir, memberId);
    this.log = MemberLogger.of(RaftStorage.class, memberId);
  }

  /**
   * A new member's storage (etcd's {@code startNode}): creates the WAL in {@code walDir} with
   * {@code metadata} (a marshaled {@code etcdserverpb.Metadata}); {@code snapDir} must exist.
   */
  public static RaftStorage create(
      Path walDir, Path snapDir, ByteString metadata, WalOptions options) throws IOException {
    Wal w = Wal.create(walDir, metadata, options);
    RaftStorage s = new RaftStorage(w, snapDir, options.memberId());
    s.lastState = HardState.getDefaultInstance();
    return s;
  }

  /**
   * What a restart found on disk.
   *
   * @param storage open and ready to append, positioned after {@link #entries}
   * @param snapshot the newest {@code .snap} file the WAL has a record for and whose index is
   *     covered by the WAL's last HardState; empty when the member never snapshotted
   * @param metadata the WAL's metadata (a marshaled {@code etcdserverpb.Metadata})
   * @param hardState the last HardState in the WAL
   * @param entries the entries after {@code snapshot}
   */
  public record Restarted(
      RaftStorage storage,
      Optional<Snapshot> snapshot,
      ByteString metadata,
      HardState hardState,
      List<Entry> entries) {
    /**
     * Where raft's {@code applied} starts: the snapshot's index (0 without one). See rule 3 in
     * {@link RaftStorage}: do not set raft's {@code Config.applied} higher unless the conf changes
     * between here and there are restored into raft too.
     */
    public long appliedFloor() {
      return snapshot.map(s -> s.getMetadata().getIndex()).orElse(0L);
    }
  }

  /**
   * Reopens a member's storage (etcd's {@code NewServer} "have WAL" path, {@code readWAL}): loads
   * the newest snapshot the WAL knows about ({@link WalScanner#validSnapshotEntries} then {@link
   * Snapshotter#loadNewestAvailable}; newer, orphaned {@code .snap} files are ignored), opens the
   * WAL there and reads it. A torn tail ({@link WalError#UNEXPECTED_EOF}) is repaired once and the
   * read retried; anything else is thrown.
   */
  public static Restarted restart(Path walDir, Path snapDir, WalOptions options)
      throws IOException {
    long memberId = options.memberId();
    MemberLogger log = MemberLogger.of(RaftStorage.class, memberId);
    List<io.etcdj.proto.walpb.Snapshot> walSnaps = WalScanner.validSnapshotEntries(walDir);
    Optional<Snapshot> snap;
    try {
      snap = Optional.of(new Snapshotter(snapDir, memberId).loadNewestAvailable(walSnaps));
    } catch (SnapException e) {
      if (e.error() != SnapError.NO_SNAPSHOT) {
        throw e;
      }
      snap = Optional.empty();
    }
    io.etcdj.proto.walpb.Snapshot walSnap =
        snap.map(
                s ->
                    io.etcdj.proto.walpb.Snapshot.newBuilder()
                        .setIndex(s.getMetadata().getIndex())
                        .setTerm(s.getMetadata().getTerm())
                        .build())
            .orElse(io.etcdj.proto.walpb.Snapshot.newBuilder().setIndex(0).setTerm(0).build());
    boolean repaired = false;
    while (true) {
      Wal w = Wal.open(walDir, walSnap, options);
      WalReadResult r;
      try {
        r = w.readAll();
      } catch (IOException | RuntimeException e) {
        w.close();
        boolean torn = e instanceof WalException we && we.error() == WalError.UNEXPECTED_EOF;
        if (repaired || !torn) {
          throw e;
        }
        if (!Wal.repair(walDir, memberId)) {
          throw new WalException(WalError.UNEXPECTED_EOF, "cannot repair WAL " + walDir, e);
        }
        log.info("repaired WAL {} after: {}", walDir, e.getMessage());
        repaired = true;
        continue;
      }
      RaftStorage s = new RaftStorage(w, snapDir, memberId);
      s.lastState = r.state();
      s.savedCommit = r.state().getCommit();
      s.syncedCommit = s.savedCommit;
      log.info(
          "restarting local member at commit index {} (snapshot index {}, {} entries)",
          r.state().getCommit(),
          walSnap.getIndex(),
          r.entries().size());
      return new Restarted(s, snap, r.metadata(), r.state(), r.entries());
    }
  }

  /**
   * Persists one Ready in etcd 3.4.23's order: {@link #saveSnap} (when {@code snapshot} is not
   * empty), {@link #save}, then {@link #sync} if there was a snapshot. After it returns the
   * snapshot and its HardState are durable together, so the loop may apply the snapshot to {@code
   * MemoryStorage} and {@link #release} it.
   */
  public synchronized void persist(HardState hardState, List<Entry> entries, Snapshot snapshot)
      throws IOException {
    boolean hasSnap = !Snapshotter.isEmpty(snapshot);
    if (hasSnap) {
      saveSnap(snapshot);
    }
    save(hardState, entries);
    if (hasSnap) {
      sync();
    }
  }

  /**
   * etcd's {@code Save}: appends {@code entries} then {@code hardState} (skipped when empty),
   * synced when raft's {@code MustSync} says so.
   *
   * @throws IllegalStateException if a snapshot was saved and this HardState does not cover it
   */
  public synchronized void save(HardState hardState, List<Entry> entries) throws IOException {
    boolean empty = Wal.isEmptyHardState(hardState);
    if (snapAwaitingState != 0
        && (empty || Long.compareUnsigned(hardState.getCommit(), snapAwaitingState) < 0)) {
      throw new IllegalStateException(
          "snapshot at index "
              + Long.toUnsignedString(snapAwaitingState)
              + " saved without a HardState that commits it (got commit "
              + Long.toUnsignedString(empty ? savedCommit : hardState.getCommit())
              + "); persist the Ready's snapshot and HardState together");
    }
    boolean synced = Wal.mustSync(hardState, lastState, entries.size());
    wal.save(hardState, entries);
    if (!empty) {
      lastState = hardState;
      savedCommit = hardState.getCommit();
      snapAwaitingState = 0;
      if (synced) {
        syncedCommit = savedCommit;
      }
    }
  }

  /**
   * etcd's {@code SaveSnap}: writes the {@code .snap} file first, then the WAL snapshot record
   * (synced). A crash between the two leaves an orphaned {@code .snap} file, which restart ignores;
   * the reverse order could leave a WAL record with no file. Follow with {@link #save} of the
   * Ready's HardState (or use {@link #persist}).
   */
  public synchronized void saveSnap(Snapshot snapshot) throws IOException {
    if (Snapshotter.isEmpty(snapshot)) {
      return;
    }
    snapshotter.saveSnap(snapshot);
    wal.saveSnapshot(
        io.etcdj.proto.walpb.Snapshot.newBuilder()
            .setIndex(snapshot.getMetadata().getIndex())
            .setTerm(snapshot.getMetadata().getTerm())
            .build());
    // saveSnapshot syncs everything written before it too.
    syncedCommit = savedCommit;
    long idx = snapshot.getMetadata().getIndex();
    if (Long.compareUnsigned(idx, savedCommit) > 0) {
      snapAwaitingState = idx;
    }
  }

  /** etcd's {@code Sync}: flushes and syncs the WAL. */
  public synchronized void sync() throws IOException {
    wal.sync();
    syncedCommit = savedCommit;
  }

  /**
   * etcd's {@code Release}: unlocks the WAL segments wholly before {@code snapshot} (the purger may
   * then delete them) and deletes {@code .snap.db} files older than it. Call after {@link #persist}
   * and {@code MemoryStorage.applySnapshot}.
   *
   * @throws IllegalStateException if the HardState committing {@code snapshot} is not yet synced
   */
  public synchronized void release(Snapshot snapshot) throws IOException {
    long idx = snapshot.getMetadata().getIndex();
    if (Long.compareUnsigned(syncedCommit, idx) < 0) {
      throw new IllegalStateException(
          "release of snapshot "
              + Long.toUnsignedString(idx)
              + " before a HardState committing it is synced (synced commit "
              + Long.toUnsignedString(syncedCommit)
              + "); call sync() first");
    }
    wal.releaseLockTo(idx);
    snapDb.releaseOlderThan(idx);
  }

  /**
   * Rule 4 in the class comment: throws unless {@code snapshot}'s ConfState lists {@code memberId}
   * as a voter, learner or outgoing voter. Call before sending a snapshot to that member.
   */
  public static void requireIncludes(Snapshot snapshot, long memberId) {
    ConfState cs = snapshot.getMetadata().getConfState();
    if (cs.getVotersList().contains(memberId)
        || cs.getLearnersList().contains(memberId)
        || cs.getVotersOutgoingList().contains(memberId)
        || cs.getLearnersNextList().contains(memberId)) {
      return;
    }
    throw new IllegalStateException(
        "snapshot at index "
            + Long.toUnsignedString(snapshot.getMetadata().getIndex())
            + " does not include member "
            + Long.toHexString(memberId)
            + "; generate the snapshot from the applied state");
  }

  public Wal wal() {
    return wal;
  }

  public Snapshotter snapshotter() {
    return snapshotter;
  }

  public SnapDb snapDb() {
    return snapDb;
  }

  /** etcd's {@code Close}: syncs and closes the WAL, releasing its locks. */
  @Override
  public synchronized void close() throws IOException {
    wal.close();
  }
}
