package io.etcdj.storage.backend;

import static io.etcdj.storage.backend.TestBackends.TEST;
import static io.etcdj.storage.backend.TestBackends.config;
import static io.etcdj.storage.backend.TestBackends.put;
import static io.etcdj.storage.backend.TestBackends.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review: etcd's applySnapshot renames the received db over {@code member/snap/db}, opens the new
 * backend, and only then closes the old one. LMDB forbids one process from opening an environment
 * twice: both share the {@code db-lock} file (reader table, last txn id), and before the guard the
 * second open re-initialised it under the first, whose closing commit then failed inside LMDB with
 * {@code MDB_NOTFOUND} from {@code mdb_put} (a corrupted view of its own tree).
 */
class ReopenSamePathReviewTest {
  @TempDir Path dir;

  @Test
  void openingAPathAlreadyOpenInThisProcessIsRefused() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    Path snapFile = dir.resolve("received.snap.db");
    try (LmdbBackend source = LmdbBackend.open(config(dir.resolve("src"), scheduler).build())) {
      put(source, TEST, "k", "new");
      try (BackendSnapshot snap = source.snapshot();
          OutputStream out = Files.newOutputStream(snapFile)) {
        snap.writeTo(out);
      }
    }
    Path dbPath = dir.resolve("member/snap/db");
    try (LmdbBackend old = LmdbBackend.open(config(dir, scheduler).build())) {
      put(old, TEST, "old", "1");
      old.forceCommit();
      put(old, TEST, "old", "2");
      LmdbBackend.installSnapshot(snapFile, dbPath);

      assertThatThrownBy(() -> LmdbBackend.open(config(dir, scheduler).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already open in this process");
    }
    // Closed first, the installed snapshot opens cleanly and holds only its own state.
    try (LmdbBackend fresh = LmdbBackend.open(config(dir, scheduler).build())) {
      put(fresh, TEST, "k9", "fresh");
      fresh.forceCommit();
      assertThat(readAll(fresh, TEST)).containsExactly("k=new", "k9=fresh");
    }
  }
}
