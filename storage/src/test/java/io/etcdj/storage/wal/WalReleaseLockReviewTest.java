package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.METADATA;
import static io.etcdj.storage.wal.WalFixtures.entry;
import static io.etcdj.storage.wal.WalFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review finding: which segments {@link Wal#releaseLockTo} lets go of (Go's {@code
 * TestReleaseLockTo} edge cases).
 */
class WalReleaseLockReviewTest {
  private static final WalOptions SMALL = new WalOptions(16 * 1024, false);

  @TempDir Path tmp;

  private Path walDir() {
    return tmp.resolve("wal");
  }

  private static List<String> walFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".wal"))
          .sorted()
          .toList();
    }
  }

  private Wal walWithSegments(int atLeast) throws IOException {
    Wal w = Wal.create(walDir(), METADATA, SMALL);
    String big = "r".repeat(700);
    long i = 1;
    while (walFiles(walDir()).size() < atLeast) {
      w.save(state(1, 1, i), List.of(entry(i, 1, big)));
      i++;
    }
    return w;
  }

  /**
   * Go's ReleaseLockTo: when the very first held segment already starts at or after {@code index},
   * nothing is released (Go sets {@code smaller = -1} and returns). Releasing more would let the
   * purger delete segments holding entries that no snapshot covers.
   */
  @Test
  void releaseLockToAtOrBelowTheFirstSegmentStartReleasesNothing() throws Exception {
    try (Wal w = walWithSegments(3)) {
      List<String> names = walFiles(walDir());
      w.releaseLockTo(0);
      for (String n : names) {
        assertThat(w.holdsLock(walDir().resolve(n))).as(n).isTrue();
      }
    }
  }
}
