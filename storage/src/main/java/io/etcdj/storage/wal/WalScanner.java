package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Record;
import io.etcdj.proto.walpb.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-directory reads of a WAL that take no locks and need no open {@link Wal}: {@link #verify}
 * and {@link #validSnapshotEntries} (Go's {@code wal.Verify}, {@code wal.ValidSnapshotEntries}).
 * Segment descriptors go through {@code HeldLocks}, so scanning a WAL this JVM holds open keeps its
 * locks.
 *
 * <p>Stateless and thread-safe; each call is one pass over the files.
 */
public final class WalScanner {
  private WalScanner() {}

  /**
   * Checks, without locking, that the WAL in {@code dir} is readable from {@code snap} on: CRC
   * chain, metadata agreement, and the snapshot record (Go's {@code wal.Verify}). A torn tail is
   * tolerated.
   */
  public static void verify(Path dir, Snapshot snap) throws IOException {
    List<Segment> segs = Wal.openSegments(dir, Wal.selectNames(dir, snap), false);
    try {
      RecordDecoder d = new RecordDecoder(segs);
      ByteString meta = null;
      boolean match = false;
      for (Record rec = nextOrNull(d); rec != null; rec = nextOrNull(d)) {
        long type = rec.getType();
        if (type == RecordType.METADATA) {
          ByteString data = rec.getData();
          if (meta != null && !meta.equals(data)) {
            throw new WalException(WalError.METADATA_CONFLICT);
          }
          meta = data;
        } else if (type == RecordType.CRC) {
          Wal.checkCrcRecord(d, rec);
        } else if (type == RecordType.SNAPSHOT) {
          Snapshot s = Wal.parseSnapshot(rec.getData());
          if (s.getIndex() == snap.getIndex()) {
            if (s.getTerm() != snap.getTerm()) {
              throw new WalException(WalError.SNAPSHOT_MISMATCH);
            }
            match = true;
          }
        } else if (type != RecordType.ENTRY && type != RecordType.STATE) {
          throw WalException.unexpectedBlockType(type);
        }
      }
      if (!match) {
        throw new WalException(WalError.SNAPSHOT_NOT_FOUND);
      }
    } finally {
      Wal.closeAll(segs);
    }
  }

  /**
   * The snapshot markers in the WAL whose index is at most the last saved commit index, oldest
   * first (Go's {@code wal.ValidSnapshotEntries}); used to pick a {@code .snap} file that the WAL
   * can start from. Reads without locking.
   */
  public static List<Snapshot> validSnapshotEntries(Path dir) throws IOException {
    List<Segment> segs = Wal.openSegments(dir, WalNames.read(dir), false);
    try {
      RecordDecoder d = new RecordDecoder(segs);
      List<Snapshot> snaps = new ArrayList<>();
      HardState st = HardState.getDefaultInstance();
      for (Record rec = nextOrNull(d); rec != null; rec = nextOrNull(d)) {
        long type = rec.getType();
        if (type == RecordType.SNAPSHOT) {
          snaps.add(Wal.parseSnapshot(rec.getData()));
        } else if (type == RecordType.STATE) {
          st = Wal.parseState(rec.getData());
        } else if (type == RecordType.CRC) {
          Wal.checkCrcRecord(d, rec);
        }
      }
      long commit = st.getCommit();
      snaps.removeIf(s -> Long.compareUnsigned(s.getIndex(), commit) > 0);
      return snaps;
    } finally {
      Wal.closeAll(segs);
    }
  }

  /** The next record, or null at the end or at a torn tail (read-mode semantics). */
  private static Record nextOrNull(RecordDecoder d) throws IOException {
    try {
      return d.decode();
    } catch (WalException e) {
      if (e.error() == WalError.UNEXPECTED_EOF) {
        return null;
      }
      throw e;
    }
  }
}
