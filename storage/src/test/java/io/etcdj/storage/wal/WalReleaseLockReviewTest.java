package io.etcdj.storage.wal;

import static io.etcdj.storage.wal.WalFixtures.walFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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

  private Wal walWithSegments(int atLeast) throws IOException {
    return WalFixtures.walWithSegments(walDir(), atLeast, SMALL);
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
