package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Record;
import io.etcdj.proto.walpb.Snapshot;
import io.etcdj.storage.util.Files2;
import io.etcdj.storage.util.MemberLogger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * etcd's write-ahead log, file-compatible with etcd 3.4 ({@code wal/wal.go}).
 *
 * <p>A WAL is a directory of segments {@code %016x-%016x.wal}. Each holds framed {@code
 * walpb.Record}s: metadata, raft entries, HardStates, snapshot markers, and a crc record at the
 * start of each segment that carries the running CRC-32C over all earlier records, so the chain
 * spans segments.
 *
 * <p>Life cycle: {@link #create} makes a new WAL ready to append. {@link #open} opens an existing
 * one in read mode positioned at a snapshot; {@link #readAll()} then returns everything after it
 * and switches the WAL to append mode. {@link #openForRead} is the same without locks and without
 * the append mode.
 *
 * <p>Durability: {@link #save} and {@link #saveSnapshot} return only after the data is synced to
 * disk whenever raft requires it ({@link #mustSync}); once they return, the data survives a crash
 * at any later moment. A crash in the middle of a write leaves at worst a torn last record, which
 * {@link #repair} truncates.
 *
 * <p>Every segment a WAL uses is locked exclusively ({@link java.nio.channels.FileLock}); a second
 * {@code open} of the same directory, from this or another process, fails at once with {@link
 * WalError#LOCKED} naming the file and directory. POSIX record locks belong to the process and
 * closing <em>any</em> descriptor of a locked file drops the lock, so all segment descriptors go
 * through {@code HeldLocks}: read-mode access in this JVM ({@link #openForRead}, {@link
 * WalScanner#verify}, {@link WalScanner#validSnapshotEntries}, a failed second {@link #open}) keeps
 * the lock intact. Code outside this package that opens segment files (the purger) must ask {@link
 * #lockedInThisProcess} first.
 *
 * <p>Threading: one owner thread (the server's raft loop) calls everything. Methods are
 * synchronized only so that a stray call from another thread (e.g. {@link #releaseLockTo} from a
 * snapshot task) is safe; the only other thread is the internal one that preallocates the next
 * segment.
 *
 * <p>Interrupts: interrupting the owner thread (a {@code Future.cancel(true)}, a {@code
 * shutdownNow()}) does not fail a save, sync or cut and does not close a segment or drop its lock:
 * segment I/O bypasses {@link java.nio.channels.FileChannel}, which an interrupt would close (see
 * {@code UninterruptibleFile}). Methods return with the thread's interrupt status as it was, for
 * the caller to act on. Note that {@code sync} is therefore {@code fsync}, not etcd's {@code
 * fdatasync}.
 */
public final class Wal implements AutoCloseable {
  private final MemberLogger log;
  private final Path dir;
  private final WalOptions options;
  private final boolean writable;

  private ByteString metadata;
  private HardState state = HardState.getDefaultInstance();
  private Snapshot start;

  /** Segments in name order; in write mode each is locked, and the last is the tail. */
  private final List<Segment> segments;

  private RecordDecoder decoder;
  private RecordEncoder encoder;

  /** Index of the last entry saved (or of the last snapshot, if later). */
  private long enti;

  /** Crash-test hook, like etcd's gofail points; does nothing in production. */
  private FaultPoints faults = FaultPoints.NONE;

  private ExecutorService allocator;
  private FilePipeline pipeline;
  private boolean closed;

  private Wal(Path dir, WalOptions options, boolean writable, List<Segment> segments) {
    this.dir = dir;
    this.options = options;
    this.log = MemberLogger.of(Wal.class, options.memberId());
    this.writable = writable;
    this.segments = segments;
  }

  // ---------------------------------------------------------------------------------------------
  // Creating and opening

  /** {@link #create(Path, ByteString, WalOptions)} with default options. */
  public static Wal create(Path dir, ByteString metadata) throws IOException {
    return create(dir, metadata, WalOptions.defaults());
  }

  /**
   * Creates a new WAL in {@code dir}, ready for appending. {@code metadata} is written at the head
   * of every segment and comes back from {@link #readAll()}.
   *
   * <p>The first segment is built in {@code <dir>.tmp} and the directory is then renamed, so a
   * crash never leaves a half-initialised WAL under {@code dir}.
   *
   * @throws WalException {@link WalError#FILE_EXISTS} if {@code dir} already holds {@code .wal}
   *     files
   */
  public static Wal create(Path dir, ByteString metadata, WalOptions options) throws IOException {
    if (WalNames.exist(dir)) {
      throw new WalException(WalError.FILE_EXISTS, dir.toString());
    }
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    Files2.deleteRecursively(tmp);
    Files2.createDirAll(tmp);

    Segment first = Segment.openLocked(tmp.resolve(WalNames.name(0, 0)), true);
    List<Segment> segs = new ArrayList<>();
    segs.add(first);
    Wal w = new Wal(dir, options, true, segs);
    try {
      first.preallocate(options.segmentSizeBytes());
      w.metadata = metadata;
      w.encoder = new RecordEncoder(first, 0, 0);
      w.encoder.encodeCrc();
      w.encoder.encodeMetadata(metadata);
      w.saveSnapshot(Snapshot.newBuilder().setIndex(0).setTerm(0).build());

      // Keep the lock while renaming: the descriptor follows the file.
      Files2.deleteRecursively(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      first.renamedTo(dir.resolve(first.name()));
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files2.fsyncDir(parent);
      }
      w.startPipeline();
      return w;
    } catch (IOException | RuntimeException e) {
      w.closeQuietly();
      throw e;
    }
  }

  /** {@link #open(Path, Snapshot, WalOptions)} with default options. */
  public static Wal open(Path dir, Snapshot snap) throws IOException {
    return open(dir, snap, WalOptions.defaults());
  }

  /**
   * Opens the WAL in {@code dir} at {@code snap} (which should have been saved with {@link
   * #saveSnapshot}); call {@link #readAll()} next, after which the WAL appends. Locks every segment
   * from the one holding {@code snap} on.
   *
   * @throws WalException {@link WalError#FILE_NOT_FOUND} if no segment covers {@code snap} or the
   *     sequence has gaps; {@link WalError#LOCKED} if another opener holds the WAL
   */
  public static Wal open(Path dir, Snapshot snap, WalOptions options) throws IOException {
    return openAt(dir, snap, options, true);
  }

  /**
   * Opens the WAL in {@code dir} at {@code snap} for reading only: no locks are taken, {@link
   * #readAll()} tolerates a torn tail, and the WAL cannot append.
   */
  public static Wal openForRead(Path dir, Snapshot snap) throws IOException {
    return openAt(dir, snap, WalOptions.defaults(), false);
  }

  private static Wal openAt(Path dir, Snapshot snap, WalOptions options, boolean write)
      throws IOException {
    List<String> names = selectNames(dir, snap);
    List<Segment> segs = openSegments(dir, names, write);
    Wal w = new Wal(dir, options, write, segs);
    w.start = snap;
    w.decoder = new RecordDecoder(segs);
    if (write) {
      w.startPipeline();
    }
    return w;
  }

  /** The names from the segment holding {@code snap} on. */
  static List<String> selectNames(Path dir, Snapshot snap) throws IOException {
    List<String> names = WalNames.read(dir);
    int i = WalNames.searchIndex(names, snap.getIndex());
    if (i < 0 || !WalNames.isValidSeq(names.subList(i, names.size()))) {
      throw new WalException(WalError.FILE_NOT_FOUND, dir.toString());
    }
    return names.subList(i, names.size());
  }

  static List<Segment> openSegments(Path dir, List<String> names, boolean write)
      throws IOException {
    List<Segment> segs = new ArrayList<>();
    try {
      for (String n : names) {
        Path p = dir.resolve(n);
        segs.add(write ? Segment.openLocked(p, false) : Segment.openReadOnly(p));
      }
    } catch (IOException | RuntimeException e) {
      closeAll(segs);
      throw e;
    }
    return segs;
  }

  private void startPipeline() {
    allocator =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "wal-segment-allocator " + dir);
              t.setDaemon(true);
              return t;
            });
    pipeline = new FilePipeline(dir, options.segmentSizeBytes(), allocator);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * Reads every record after the snapshot the WAL was opened at and returns the metadata, the last
   * HardState and the entries. In write mode every record must read cleanly (a torn tail throws
   * {@link WalError#UNEXPECTED_EOF}: run {@link #repair} and reopen); afterwards the WAL is in
   * append mode, continuing the CRC chain. In read mode a torn tail simply ends the read.
   *
   * @throws WalException {@link WalError#SNAPSHOT_NOT_FOUND} if the snapshot record is absent,
   *     {@link WalError#SNAPSHOT_MISMATCH} if its term differs, {@link WalError#CRC_MISMATCH} /
   *     {@link WalError#RECORD_CRC_MISMATCH} on corruption, {@link WalError#METADATA_CONFLICT}
   */
  public synchronized WalReadResult readAll() throws IOException {
    if (decoder == null) {
      throw new WalException(WalError.DECODER_NOT_FOUND);
    }
    ByteString meta = null;
    HardState st = HardState.getDefaultInstance();
    List<Entry> ents = new ArrayList<>();
    boolean match = false;
    while (true) {
      Record rec;
      try {
        rec = decoder.decode();
      } catch (WalException e) {
        if (!writable && e.error() == WalError.UNEXPECTED_EOF) {
          // Read mode need not reach the end: the last record may be half-written.
          break;
        }
        throw e;
      }
      if (rec == null) {
        break;
      }
      ByteString data = rec.getData();
      long type = rec.getType();
      if (type == RecordType.ENTRY) {
        Entry e = parseEntry(data);
        if (Long.compareUnsigned(e.getIndex(), start.getIndex()) > 0) {
          long up = e.getIndex() - start.getIndex() - 1;
          if (up > ents.size()) {
            throw new WalException(
                WalError.SLICE_OUT_OF_RANGE,
                "entry " + e.getIndex() + " after " + (start.getIndex() + ents.size()));
          }
          // A rewritten index replaces that entry and everything after it.
          ents.subList((int) up, ents.size()).clear();
          ents.add(e);
        }
        enti = e.getIndex();
      } else if (type == RecordType.STATE) {
        st = parseState(data);
      } else if (type == RecordType.METADATA) {
        if (meta != null && !meta.equals(data)) {
          throw new WalException(WalError.METADATA_CONFLICT);
        }
        meta = data;
      } else if (type == RecordType.CRC) {
        checkCrcRecord(decoder, rec);
      } else if (type == RecordType.SNAPSHOT) {
        Snapshot s = parseSnapshot(data);
        if (s.getIndex() == start.getIndex()) {
          if (s.getTerm() != start.getTerm()) {
            throw new WalException(
                WalError.SNAPSHOT_MISMATCH,
                "wal has term "
                    + s.getTerm()
                    + " at index "
                    + s.getIndex()
                    + ", wanted "
                    + start.getTerm());
          }
          match = true;
        }
      } else {
        throw WalException.unexpectedBlockType(type);
      }
    }

    if (writable) {
      // Whatever follows the last good record was never acknowledged (a torn write may have left
      // scattered sectors after a zero one); clear it so new records cannot be mistaken for it.
      Segment tail = tail();
      long off = decoder.lastOffset();
      tail.zeroToEnd(off);
      encoder = new RecordEncoder(tail, off, decoder.crc());
    } else {
      closeAll(segments);
      segments.clear();
    }
    decoder = null;
    metadata = meta;
    state = st;
    Snapshot wanted = start;
    start = Snapshot.getDefaultInstance();
    if (!match) {
      throw new WalException(
          WalError.SNAPSHOT_NOT_FOUND,
          "index " + wanted.getIndex() + " term " + wanted.getTerm() + " in " + dir);
    }
    return new WalReadResult(meta == null ? ByteString.EMPTY : meta, st, ents);
  }

  static void checkCrcRecord(RecordDecoder d, Record rec) throws WalException {
    // A fresh decoder starts at 0 and has nothing to compare with.
    int expected = d.crc();
    if (expected != 0 && rec.getCrc() != expected) {
      throw new WalException(WalError.CRC_MISMATCH);
    }
    d.updateCrc(rec.getCrc());
  }

  /**
   * Parses a record's data. The entry's own data aliases the record's bytes instead of being
   * copied: the decoder allocates a fresh array per record and never writes to it again.
   */
  static Entry parseEntry(ByteString data) throws WalException {
    try {
      CodedInputStream in = data.newCodedInput();
      in.enableAliasing(true);
      return Entry.parser().parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new WalException(WalError.CORRUPT_RECORD, "bad entry: " + e.getMessage(), e);
    }
  }

  static HardState parseState(ByteString data) throws WalException {
    try {
      return HardState.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new WalException(WalError.CORRUPT_RECORD, "bad hard state: " + e.getMessage(), e);
    }
  }

  static Snapshot parseSnapshot(ByteString data) throws WalException {
    try {
      return Snapshot.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new WalException(WalError.CORRUPT_RECORD, "bad snapshot: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * raft's {@code MustSync}: whether persisting this Ready must be synced before messages go out.
   * Entries, and term or vote changes, must reach stable storage before the node answers any RPC
   * (raft thesis §3.8); a commit-only change may be lost and relearned.
   */
  public static boolean mustSync(HardState st, HardState prev, int entryCount) {
    return entryCount != 0 || st.getVote() != prev.getVote() || st.getTerm() != prev.getTerm();
  }

  /** raft's {@code IsEmptyHardState}. */
  public static boolean isEmptyHardState(HardState st) {
    return st.getTerm() == 0 && st.getVote() == 0 && st.getCommit() == 0;
  }

  /**
   * Appends {@code entries} then {@code st} (skipped when empty), syncing if {@link #mustSync} says
   * so, and cuts a new segment once the current one has reached the segment size.
   */
  public synchronized void save(HardState st, List<Entry> entries) throws IOException {
    checkAppendable();
    if (isEmptyHardState(st) && entries.isEmpty()) {
      return;
    }
    boolean sync = mustSync(st, state, entries.size());
    for (Entry e : entries) {
      encoder.encodeEntry(e);
      enti = e.getIndex();
      faults.reach("saveAfterEntry");
    }
    saveState(st);
    if (encoder.offset() < options.segmentSizeBytes()) {
      if (sync) {
        sync();
      }
      return;
    }
    cut();
  }

  private void saveState(HardState st) throws IOException {
    if (isEmptyHardState(st)) {
      return;
    }
    state = st;
    encoder.encodeState(st);
  }

  /**
   * Records that a raft snapshot at {@code snap} exists (so {@link #open} can start there) and
   * syncs.
   */
  public synchronized void saveSnapshot(Snapshot snap) throws IOException {
    checkAppendable();
    encoder.encodeSnapshot(snap);
    if (Long.compareUnsigned(enti, snap.getIndex()) < 0) {
      enti = snap.getIndex();
    }
    sync();
  }

  /** Flushes buffered records and syncs the tail segment (fsync; see the class comment). */
  public synchronized void sync() throws IOException {
    checkAppendable();
    encoder.flush();
    if (!options.unsafeNoFsync()) {
      tail().sync();
    }
  }

  /**
   * Closes the full tail and continues in a new segment named (seq+1, lastIndex+1) that starts with
   * a crc record carrying the running CRC, the metadata and the current HardState. The new file is
   * written and synced under its {@code .tmp} name before the rename, so a segment with a real name
   * always has a complete header.
   */
  private void cut() throws IOException {
    Segment old = tail();
    encoder.flush();
    // Drop the unused preallocated space of the finished segment.
    old.truncate(encoder.offset());
    if (!options.unsafeNoFsync()) {
      old.sync();
    }
    faults.reach("cutAfterOldSegmentSynced");
    long seq = WalNames.mustParse(old.name()).seq();
    Path target = dir.resolve(WalNames.name(seq + 1, enti + 1));

    Segment fresh = pipeline.open();
    segments.add(fresh);
    int prevCrc = encoder.crc();
    encoder = new RecordEncoder(fresh, 0, prevCrc);
    encoder.encodeCrc();
    encoder.encodeMetadata(metadata);
    if (!isEmptyHardState(state)) {
      encoder.encodeState(state);
    }
    faults.reach("cutBeforeHeaderSynced");
    encoder.flush();
    if (!options.unsafeNoFsync()) {
      fresh.sync();
    }
    faults.reach("cutBeforeRename");
    Files.move(fresh.path(), target, StandardCopyOption.ATOMIC_MOVE);
    fresh.renamedTo(target);
    faults.reach("cutAfterRename");
    Files2.fsyncDir(dir);
    log.info("created a new WAL segment {}", target);
  }

  // ---------------------------------------------------------------------------------------------
  // Releasing and closing

  /**
   * Unlocks the segments that only hold entries below {@code index}, keeping the last of them (it
   * may hold entries up to {@code index}); e.g. holding segments starting at 1..6, releaseLockTo(4)
   * releases 1 and 2 but keeps 3. Released segments may then be purged.
   */
  public synchronized void releaseLockTo(long index) throws IOException {
    if (segments.isEmpty()) {
      return;
    }
    // No segment starting at or after index: release all but the last.
    int smaller = segments.size() - 1;
    for (int i = 0; i < segments.size(); i++) {
      long lockIndex = WalNames.mustParse(segments.get(i).name()).index();
      if (Long.compareUnsigned(lockIndex, index) >= 0) {
        // -1 when even the first segment starts there: it holds needed entries, keep everything.
        smaller = i - 1;
        break;
      }
    }
    if (smaller <= 0) {
      return;
    }
    List<Segment> released = segments.subList(0, smaller);
    closeAll(new ArrayList<>(released));
    released.clear();
  }

  void setFaultPointsForTesting(FaultPoints points) {
    this.faults = points;
  }

  /** Whether this WAL currently holds the lock of {@code file} (for the purger). */
  public synchronized boolean holdsLock(Path file) {
    for (Segment s : segments) {
      if (s.isLocked() && s.path().toAbsolutePath().equals(file.toAbsolutePath())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether any WAL in this JVM holds the lock of {@code file}; a purger's {@code heldInProcess}
   * test that covers every node in the process (opening and closing such a file would unlock it).
   */
  public static boolean lockedInThisProcess(Path file) {
    return HeldLocks.isHeld(file);
  }

  /** The directory this WAL lives in. */
  public Path dir() {
    return dir;
  }

  /** Syncs the tail (in append mode) and releases every file and lock. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    try {
      if (pipeline != null) {
        pipeline.close();
      }
      if (encoder != null && !segments.isEmpty()) {
        encoder.flush();
        if (!options.unsafeNoFsync()) {
          tail().sync();
        }
      }
    } catch (IOException e) {
      first = e;
    } finally {
      if (allocator != null) {
        allocator.shutdownNow();
      }
      try {
        closeAll(segments);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
      segments.clear();
    }
    if (first != null) {
      throw first;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      log.warn("failed to close WAL {} after an error", dir, e);
    }
  }

  private Segment tail() {
    return segments.get(segments.size() - 1);
  }

  private void checkAppendable() {
    if (closed) {
      throw new IllegalStateException("wal: closed");
    }
    if (encoder == null) {
      throw new IllegalStateException(
          writable ? "wal: readAll must be called before appending" : "wal: opened for read only");
    }
  }

  static void closeAll(List<Segment> segs) throws IOException {
    IOException first = null;
    for (Segment s : segs) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Whole-directory helpers

  /** Whether {@code dir} holds any {@code .wal} file (Go's {@code wal.Exist}). */
  public static boolean exists(Path dir) {
    return WalNames.exist(dir);
  }

  /**
   * Repairs a torn tail (Go's {@code wal.Repair}): reads the last segment and, if it ends in a
   * partially written record, keeps a copy as {@code <segment>.broken}, truncates the segment after
   * the last good record and syncs it. Returns true if the segment is now clean (or already was),
   * false if it is corrupt in a way truncation must not hide, or cannot be locked.
   */
  public static boolean repair(Path dir) {
    return WalRepair.repair(dir, 0);
  }

  /** {@link #repair(Path)} with log lines tagged {@code local-member-id=<memberId hex>}. */
  public static boolean repair(Path dir, long memberId) {
    return WalRepair.repair(dir, memberId);
  }
}
