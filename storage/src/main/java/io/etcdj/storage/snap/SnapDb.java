package io.etcdj.storage.snap;

import io.etcdj.storage.util.Files2;
import io.etcdj.storage.util.MemberLogger;
import io.etcdj.storage.util.UninterruptibleFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backend database files a follower receives with a raft snapshot, stored as {@code
 * %016x.snap.db} (by snapshot index) in the snap directory until applied ({@code
 * etcdserver/api/snap/db.go}).
 *
 * <p>{@link #saveFrom} streams the bytes into a temporary file in fixed-size chunks (never the
 * whole database in memory), fsyncs it and renames it into place, so a {@code .snap.db} file is
 * always complete.
 *
 * <p>Threading: thread-safe; the only state is the concurrent set of saves in progress. Concurrent
 * saves for different indexes are safe, a save for an index that already exists keeps the existing
 * file, and a release running meanwhile leaves the saves of the same instance alone (so use one
 * instance per directory).
 */
public final class SnapDb {

  static final String DB_SUFFIX = ".snap.db";
  static final String TMP_SUFFIX = ".snap.db.tmp";
  private static final int CHUNK = 64 * 1024;

  private final Path dir;

  /**
   * Temporary files of saves still running: {@link #releaseOlderThan} runs while rafthttp may be
   * receiving the next database, and must not delete that file under it.
   */
  private final Set<String> receiving = ConcurrentHashMap.newKeySet();

  private final MemberLogger log;

  public SnapDb(Path dir) {
    this(dir, 0);
  }

  /** A SnapDb whose log lines carry {@code local-member-id=<memberId hex>} (0: none). */
  public SnapDb(Path dir, long memberId) {
    this.dir = dir;
    this.log = MemberLogger.of(SnapDb.class, memberId);
  }

  /** The path a database for snapshot {@code index} is kept at (it may not exist). */
  public Path path(long index) {
    return dir.resolve(String.format(Locale.ROOT, "%016x%s", index, DB_SUFFIX));
  }

  /**
   * Copies {@code in} to EOF into {@code <index>.snap.db} atomically and returns the byte count. If
   * that file already exists the new copy is discarded (as etcd does).
   */
  public long saveFrom(InputStream in, long index) throws IOException {
    Path tmp =
        dir.resolve(String.format(Locale.ROOT, "%016x-%d%s", index, System.nanoTime(), TMP_SUFFIX));
    String tmpName = tmp.getFileName().toString();
    receiving.add(tmpName);
    long n = 0;
    try {
      // Uninterruptible I/O: an interrupt must not fail the save half-way (see
      // UninterruptibleFile). Reading `in` may still react to interrupts; that is the caller's.
      try (UninterruptibleFile f = UninterruptibleFile.createNewPrivate(tmp)) {
        byte[] buf = new byte[CHUNK];
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          f.write(buf, 0, r, n);
          n += r;
        }
        f.sync();
      }
      Path target = path(index);
      if (Files.exists(target)) {
        Files.deleteIfExists(tmp);
        return n;
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      Files2.fsyncDir(dir);
      log.info("saved database snapshot to disk {} ({} bytes)", target, n);
      return n;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } finally {
      receiving.remove(tmpName);
    }
  }

  /**
   * The path of the database for snapshot {@code index}.
   *
   * @throws SnapException {@link SnapError#NO_DB_SNAPSHOT} if it does not exist
   */
  public Path filePath(long index) throws IOException {
    Path p = path(index);
    if (!Files.isRegularFile(p)) {
      log.warn("failed to find [SNAPSHOT-INDEX].snap.db for index {} at {}", index, p);
      throw new SnapException(SnapError.NO_DB_SNAPSHOT);
    }
    return p;
  }

  /**
   * Deletes databases for snapshots older than {@code appliedIndex} (etcd's {@code ReleaseSnapDBs})
   * and any half-written temporary files left by saves that are no longer running; call at start-up
   * and after applying a snapshot. Returns the names deleted.
   */
  public List<String> releaseOlderThan(long appliedIndex) throws IOException {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    for (String n : Files2.sortedNames(dir)) {
      if (n.endsWith(TMP_SUFFIX)) {
        if (receiving.contains(n)) {
          continue;
        }
        Files.deleteIfExists(dir.resolve(n));
        removed.add(n);
      } else if (n.endsWith(DB_SUFFIX)) {
        String hex = n.substring(0, n.length() - DB_SUFFIX.length());
        long idx;
        try {
          idx = Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
          log.warn("failed to parse index from filename {}", n);
          continue;
        }
        if (Long.compareUnsigned(idx, appliedIndex) < 0) {
          log.warn("found orphaned .snap.db file; deleting {}", n);
          Files.deleteIfExists(dir.resolve(n));
          removed.add(n);
        }
      }
    }
    return removed;
  }
}
