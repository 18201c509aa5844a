package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.ZERO_SNAP;
import static io.etcdj.storage.wal.WalFixtures.entry;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review finding: the exclusive segment lock must survive other code in this JVM opening and
 * closing the same files (POSIX record locks are dropped when any descriptor of the file closes).
 */
class WalPosixLockReviewTest {
  private static final WalOptions SMALL = new WalOptions(16 * 1024, false);

  @TempDir Path tmp;

  private Path walDir() {
    return tmp.resolve("wal");
  }

  private Wal walWithSegments(int atLeast) throws IOException {
    return WalFixtures.walWithSegments(walDir(), atLeast, SMALL);
  }

  /**
   * A second {@code open} in this JVM fails with "file already locked", but must not, by closing
   * its own descriptor of the segment, drop the POSIX lock the first opener holds: another process
   * could then open the same WAL for writing.
   */
  @Test
  void failedSecondOpenInThisJvmKeepsTheLockAgainstOtherProcesses() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      Path seg = walDir().resolve(WalNames.name(0, 0));
      assertThat(otherProcessCanLock(seg)).as("before").isFalse();
      assertThatThrownBy(() -> Wal.open(walDir(), ZERO_SNAP, SMALL))
          .hasMessageStartingWith("fileutil: file already locked");
      assertThat(otherProcessCanLock(seg)).as("after a failed second open").isFalse();
      w.save(state(1, 1, 1), List.of(entry(1, 1)));
    }
  }

  /** Reading the WAL in read mode while it is open for append must not unlock its segments. */
  @Test
  void readModeAccessInThisJvmKeepsTheLockAgainstOtherProcesses() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      w.save(state(1, 1, 1), List.of(entry(1, 1)));
      Path seg = walDir().resolve(WalNames.name(0, 0));
      try (Wal r = Wal.openForRead(walDir(), ZERO_SNAP)) {
        assertThat(r.readAll().entries()).hasSize(1);
      }
      WalScanner.verify(walDir(), ZERO_SNAP);
      assertThat(WalScanner.validSnapshotEntries(walDir())).hasSize(1);
      assertThat(otherProcessCanLock(seg)).as("after read-mode access").isFalse();
      w.save(state(1, 1, 2), List.of(entry(2, 1)));
    }
    // Once the WAL is closed, the deferred descriptors are gone and the lock is free.
    assertThat(otherProcessCanLock(walDir().resolve(WalNames.name(0, 0)))).isTrue();
  }

  /** The JVM-wide test stops the purger at a segment any WAL here holds, without touching it. */
  @Test
  void purgerAskingLockedInThisProcessLeavesHeldSegmentsAndTheirLocks() throws Exception {
    try (Wal w = Wal.create(walDir(), METADATA, SMALL)) {
      String big = "p".repeat(700);
      for (long i = 1; i <= 60; i++) {
        w.save(state(1, 1, i), List.of(entry(i, 1, big)));
      }
      Path first = walDir().resolve(WalNames.name(0, 0));
      assertThat(Wal.lockedInThisProcess(first)).isTrue();
      assertThat(
              io.etcdj.storage.util.FilePurger.purgeOnce(
                  walDir(), ".wal", 1, Wal::lockedInThisProcess))
          .isEmpty();
      assertThat(otherProcessCanLock(first)).isFalse();
    }
    assertThat(Wal.lockedInThisProcess(walDir().resolve(WalNames.name(0, 0)))).isFalse();
  }

  /** Asks a child JVM to take the POSIX lock of {@code file} without waiting. */
  static boolean otherProcessCanLock(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      assertThat(out).isIn("locked", "busy");
      return out.equals("locked");
    } finally {
      p.destroyForcibly();
    }
  }

  /** Child process: prints "locked" if it got the lock of args[0], else "busy". */
  public static final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) throws IOException {
      try (FileChannel ch =
          FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        System.out.println(l != null ? "locked" : "busy");
      }
    }
  }
}
