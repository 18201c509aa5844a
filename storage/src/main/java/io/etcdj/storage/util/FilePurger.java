package io.etcdj.storage.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most {@code max} files with a given suffix in a directory by deleting the oldest by name
 * ({@code pkg/fileutil/purge.go}); used for {@code .snap} files ({@code --max-snapshots}) and
 * {@code .wal} segments ({@code --max-wals}).
 *
 * <p>A file that is locked is in use and stops the purge (nothing newer is deleted either): WAL
 * segments stay locked until the WAL releases them with {@code releaseLockTo}. Other processes'
 * locks are detected with {@link FileChannel#tryLock}. Locks held inside this JVM must be reported
 * by {@code heldInProcess} (e.g. {@code Wal::lockedInThisProcess} or {@code wal::holdsLock})
 * <em>before</em> the purger opens the file: POSIX drops a process's lock when any of its
 * descriptors for the file is closed, so probing a file this JVM has locked would silently unlock
 * it for other processes.
 *
 * <p>Stateless; {@link #schedule} runs passes on the caller's executor.
 */
public final class FilePurger {
  private static final Logger log = LoggerFactory.getLogger(FilePurger.class);

  private FilePurger() {}

  /**
   * One purge pass; returns the names deleted, oldest first.
   *
   * @param heldInProcess whether a file is locked by something in this JVM
   */
  public static List<String> purgeOnce(
      Path dir, String suffix, int max, Predicate<Path> heldInProcess) throws IOException {
    return purgeOnce(dir, suffix, max, heldInProcess, true);
  }

  /**
   * One purge pass; with {@code flock} false a file is deleted without first taking its lock (etcd
   * 3.4.45's {@code PurgeFileWithoutFlock}, which it uses for snapshot files: nothing locks them).
   */
  public static List<String> purgeOnce(
      Path dir, String suffix, int max, Predicate<Path> heldInProcess, boolean flock)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (String n : Files2.sortedNames(dir)) {
      if (n.endsWith(suffix)) {
        names.add(n);
      }
    }
    List<String> purged = new ArrayList<>();
    int i = 0;
    while (names.size() - i > max) {
      Path f = dir.resolve(names.get(i));
      if (flock && (heldInProcess.test(f) || !deleteIfUnlocked(f))) {
        // etcd's TryLockFile fails with ErrLocked: the file is in use; stop here.
        log.atWarn()
            .addKeyValue("path", f.toString())
            .addKeyValue("error", "fileutil: file already locked")
            .log("failed to lock file");
        break;
      }
      if (!flock) {
        Files.delete(f);
      }
      log.atInfo().addKeyValue("path", f.toString()).log("purged");
      purged.add(names.get(i));
      i++;
    }
    return purged;
  }

  private static boolean deleteIfUnlocked(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        return false;
      }
      // Delete while holding the lock so no one can take the file over in between.
      Files.delete(f);
      return true;
    }
  }

  /**
   * Runs {@link #purgeOnce} every {@code interval} on {@code executor} until the returned future is
   * cancelled; I/O errors go to {@code onError} and stop the purging, as in etcd.
   */
  public static ScheduledFuture<?> schedule(
      ScheduledExecutorService executor,
      Path dir,
      String suffix,
      int max,
      Duration interval,
      Predicate<Path> heldInProcess,
      Consumer<IOException> onError) {
    Runnable pass =
        () -> {
          try {
            purgeOnce(dir, suffix, max, heldInProcess);
          } catch (IOException e) {
            log.warn("failed to purge {} files in {}", suffix, dir, e);
            onError.accept(e);
            throw new IllegalStateException(e);
          }
        };
    return executor.scheduleWithFixedDelay(pass, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }
}
