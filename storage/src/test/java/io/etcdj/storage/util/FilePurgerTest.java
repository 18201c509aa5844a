package io.etcdj.storage.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePurgerTest {
  @TempDir Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Go: TestPurgeFile. */
  @Test
  void keepsTheNewestMaxFilesWithTheSuffix() throws Exception {
    for (int i = 0; i < 7; i++) {
      Files.write(dir.resolve(String.format("%016x-%016x.snap", 1, i)), new byte[] {1});
    }
    Files.write(dir.resolve("db"), new byte[] {1});
    List<String> purged = FilePurger.purgeOnce(dir, ".snap", 5, p -> false);
    assertThat(purged).hasSize(2);
    assertThat(names()).hasSize(6).contains("db");
    assertThat(FilePurger.purgeOnce(dir, ".snap", 5, p -> false)).isEmpty();
  }

  /** Go: TestPurgeFileHoldingLockFile. */
  @Test
  void stopsAtTheFirstFileInUse() throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.write(dir.resolve(i + ".wal"), new byte[] {1});
    }
    Path second = dir.resolve("1.wal");
    assertThat(FilePurger.purgeOnce(dir, ".wal", 1, second::equals)).containsExactly("0.wal");
    assertThat(names()).containsExactly("1.wal", "2.wal", "3.wal", "4.wal");

    // A lock taken through this JVM without telling the purger is still honoured.
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      assertThat(lock.isValid()).isTrue();
      assertThat(FilePurger.purgeOnce(dir, ".wal", 1, p -> false)).isEmpty();
    }
    assertThat(FilePurger.purgeOnce(dir, ".wal", 1, p -> false)).hasSize(3);
  }
}
