package io.etcdj.storage.snap;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.snappb.snapshot;
import io.etcdj.storage.util.Crc32c;
import io.etcdj.storage.util.Files2;
import io.etcdj.storage.util.MemberLogger;
import io.etcdj.storage.util.UninterruptibleFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Raft snapshot files in the snap directory ({@code etcdserver/api/snap/snapshotter.go}).
 *
 * <p>A snapshot is stored as {@code %016x-%016x.snap} (term, index) containing a marshaled {@code
 * snappb.snapshot{crc, data}}, where data is the marshaled {@code raftpb.Snapshot} and crc its
 * CRC-32C. Loading walks the files newest first; a file that fails to read or verify is renamed
 * {@code *.snap.broken} and the next older one is tried.
 *
 * <p>Threading: no mutable state of its own; callers must not save and load the same snapshot
 * concurrently (etcd uses it from the raft loop and the apply path one at a time).
 */
public final class Snapshotter {

  static final String SNAP_SUFFIX = ".snap";

  private final Path dir;
  private final MemberLogger log;

  public Snapshotter(Path dir) {
    this(dir, 0);
  }

  /** A snapshotter whose log lines carry {@code local-member-id=<memberId hex>} (0: none). */
  public Snapshotter(Path dir, long memberId) {
    this.dir = dir;
    this.log = MemberLogger.of(Snapshotter.class, memberId);
  }

  public Path dir() {
    return dir;
  }

  /** The file name for a snapshot at (term, index). */
  public static String snapName(long term, long index) {
    return String.format(Locale.ROOT, "%016x-%016x%s", term, index, SNAP_SUFFIX);
  }

  /** raft's {@code IsEmptySnap}: a snapshot at index 0 carries nothing. */
  public static boolean isEmpty(Snapshot snap) {
    return snap.getMetadata().getIndex() == 0;
  }

  /**
   * Writes {@code snap} durably (temp file, fsync, rename, directory fsync); an empty snapshot is
   * ignored, as in etcd.
   */
  public void saveSnap(Snapshot snap) throws IOException {
    if (isEmpty(snap)) {
      return;
    }
    ByteString body = snap.toByteString();
    Crc32c crc = new Crc32c(0);
    crc.update(body);
    byte[] file = snapshot.newBuilder().setCrc(crc.value()).setData(body).build().toByteArray();
    String name = snapName(snap.getMetadata().getTerm(), snap.getMetadata().getIndex());
    Path target = dir.resolve(name);
    Path tmp = dir.resolve(name + ".tmp");
    try {
      // Uninterruptible I/O: an interrupt must not fail the save half-way (see
      // UninterruptibleFile).
      Files.deleteIfExists(tmp);
      try (UninterruptibleFile f = UninterruptibleFile.createNewPrivate(tmp)) {
        f.write(file, 0, file.length, 0);
        f.sync();
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files2.fsyncDir(dir);
    } catch (IOException e) {
      log.warn("failed to write a snap file {}", target, e);
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** The newest valid snapshot. @throws SnapException {@link SnapError#NO_SNAPSHOT} if none */
  public Snapshot load() throws IOException {
    return loadMatching(s -> true);
  }

  /**
   * The newest valid snapshot that the WAL knows about: its (term, index) is one of {@code
   * walSnaps} (from {@code WalScanner.validSnapshotEntries}).
   */
  public Snapshot loadNewestAvailable(List<io.etcdj.proto.walpb.Snapshot> walSnaps)
      throws IOException {
    return loadMatching(
        s -> {
          long term = s.getMetadata().getTerm();
          long index = s.getMetadata().getIndex();
          for (int i = walSnaps.size() - 1; i >= 0; i--) {
            io.etcdj.proto.walpb.Snapshot w = walSnaps.get(i);
            if (w.getTerm() == term && w.getIndex() == index) {
              return true;
            }
          }
          return false;
        });
  }

  private Snapshot loadMatching(Predicate<Snapshot> match) throws IOException {
    for (String name : snapNames()) {
      Snapshot s = loadOrQuarantine(dir.resolve(name));
      if (s != null && match.test(s)) {
        return s;
      }
    }
    throw new SnapException(SnapError.NO_SNAPSHOT);
  }

  private Snapshot loadOrQuarantine(Path path) {
    try {
      return read(path);
    } catch (IOException e) {
      Path broken = path.resolveSibling(path.getFileName() + ".broken");
      log.warn("failed to read a snap file {}: {}", path, e.getMessage());
      try {
        Files.move(path, broken, StandardCopyOption.REPLACE_EXISTING);
        log.warn("renamed to a broken snap file {}", broken);
      } catch (IOException re) {
        log.warn("failed to rename a broken snap file {} to {}", path, broken, re);
      }
      return null;
    }
  }

  /** Reads and verifies one {@code .snap} file (Go's {@code snap.Read}). */
  public static Snapshot read(Path path) throws IOException {
    // Not Files.readAllBytes: its channel is interruptible, and an interrupted read would get a
    // good snapshot renamed to .broken by the caller.
    byte[] b = readAll(path);
    if (b.length == 0) {
      throw new SnapException(SnapError.EMPTY_SNAPSHOT);
    }
    snapshot file;
    try {
      file = snapshot.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new SnapException(SnapError.CORRUPT, path.toString(), e);
    }
    if (file.getData().isEmpty() || file.getCrc() == 0) {
      throw new SnapException(SnapError.EMPTY_SNAPSHOT);
    }
    ByteString data = file.getData();
    Crc32c crc = new Crc32c(0);
    crc.update(data);
    if (crc.value() != file.getCrc()) {
      throw new SnapException(SnapError.CRC_MISMATCH);
    }
    try {
      return Snapshot.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new SnapException(SnapError.CORRUPT, path.toString(), e);
    }
  }

  private static byte[] readAll(Path path) throws IOException {
    try (UninterruptibleFile f = UninterruptibleFile.openForRead(path)) {
      long size = f.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(path + " is too large to read (" + size + " bytes)");
      }
      byte[] b = new byte[(int) size];
      int n = 0;
      while (n < b.length) {
        int r = f.read(b, n, b.length - n, n);
        if (r < 0) {
          // Shrunk while we read it: only a partial file is there.
          return java.util.Arrays.copyOf(b, n);
        }
        n += r;
      }
      return b;
    }
  }

  /**
   * The {@code .snap} file names, newest first, after removing leftovers (orphaned {@code db.tmp*}
   * defragmentation files and our own {@code .snap.tmp} files).
   *
   * @throws SnapException {@link SnapError#NO_SNAPSHOT} if there are none
   */
  List<String> snapNames() throws IOException {
    List<String> names;
    try {
      names = Files2.sortedNames(dir);
    } catch (NoSuchFileException e) {
      throw new SnapException(SnapError.NO_SNAPSHOT);
    }
    List<String> snaps = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith("db.tmp") || n.endsWith(SNAP_SUFFIX + ".tmp")) {
        log.info("found orphaned temporary file {}; deleting", n);
        Files.deleteIfExists(dir.resolve(n));
      } else if (n.endsWith(SNAP_SUFFIX)) {
        snaps.add(n);
      } else if (!n.equals("db")
          && !n.endsWith(".snap.db")
          && !n.endsWith(".broken")
          && !n.endsWith(SnapDb.TMP_SUFFIX)) {
        log.warn("found unexpected non-snap file {}; skipping", n);
      }
    }
    if (snaps.isEmpty()) {
      throw new SnapException(SnapError.NO_SNAPSHOT);
    }
    Collections.sort(snaps, Collections.reverseOrder());
    return snaps;
  }
}
