package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcdj.etcdserver.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Purging snapshot and WAL files as etcd's {@code purgeFile} (server.go, pkg/fileutil/purge.go).
 */
class HousekeepingTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();

  EtcdServerConfig config(long maxSnaps, long maxWals) {
    return EtcdServerConfig.builder("n1", dir, clock)
        .housekeeping(HousekeepingConfig.DEFAULT.withMaxFiles(maxSnaps, maxWals))
        .build();
  }

  Housekeeping housekeeping(EtcdServerConfig cfg, Set<String> heldWals) {
    return new Housekeeping(
        cfg,
        1,
        MoreExecutors.newDirectExecutorService(),
        null,
        background -> java.util.concurrent.CompletableFuture.completedFuture(null),
        () -> true,
        p -> heldWals.contains(p.getFileName().toString()));
  }

  static void touch(Path d, String... names) throws IOException {
    Files.createDirectories(d);
    for (String n : names) {
      Files.write(d.resolve(n), new byte[] {1});
    }
  }

  static Set<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  static String snap(int i) {
    return String.format("%016x-%016x.snap", 1, i);
  }

  static String db(int i) {
    return String.format("%016x.snap.db", i);
  }

  static String wal(int i) {
    return String.format("%016x-%016x.wal", i, i * 10);
  }

  @Test
  void keepsTheNewestSnapshotsAndUnlockedWalFilesEvery30Seconds() throws IOException {
    EtcdServerConfig cfg = config(5, 5);
    for (int i = 1; i <= 7; i++) {
      touch(cfg.snapDir(), snap(i), db(i));
      touch(cfg.walDir(), wal(i));
    }
    touch(cfg.snapDir(), "db");
    // The WAL still holds every segment from the third on (the last snapshot is in the third).
    Set<String> held = Set.of(wal(3), wal(4), wal(5), wal(6), wal(7));
    Housekeeping h = housekeeping(cfg, held);
    h.start();
    clock.advance(Duration.ZERO);
    assertThat(names(cfg.snapDir()))
        .containsExactlyInAnyOrder(
            "db", snap(3), snap(4), snap(5), snap(6), snap(7), db(3), db(4), db(5), db(6), db(7));
    assertThat(names(cfg.walDir()))
        .containsExactlyInAnyOrder(wal(3), wal(4), wal(5), wal(6), wal(7));

    touch(cfg.snapDir(), snap(8));
    clock.advance(Duration.ofSeconds(29));
    assertThat(names(cfg.snapDir())).contains(snap(3));
    clock.advance(Duration.ofSeconds(1));
    assertThat(names(cfg.snapDir())).doesNotContain(snap(3)).contains(snap(8));
    h.stop();
    assertThat(clock.pending()).isZero();
  }

  @Test
  void aLockedWalFileStopsThePurgeSoNothingNewerGoes() throws IOException {
    EtcdServerConfig cfg = config(5, 2);
    for (int i = 1; i <= 5; i++) {
      touch(cfg.walDir(), wal(i));
    }
    housekeeping(cfg, Set.of(wal(2), wal(3), wal(4), wal(5))).start();
    clock.advance(Duration.ZERO);
    assertThat(names(cfg.walDir())).containsExactlyInAnyOrder(wal(2), wal(3), wal(4), wal(5));
  }

  @Test
  void zeroKeepsEveryFile() throws IOException {
    EtcdServerConfig cfg = config(0, 0);
    for (int i = 1; i <= 7; i++) {
      touch(cfg.snapDir(), snap(i));
      touch(cfg.walDir(), wal(i));
    }
    housekeeping(cfg, Set.of()).start();
    clock.advance(Duration.ofMinutes(5));
    assertThat(names(cfg.snapDir())).hasSize(7);
    assertThat(names(cfg.walDir())).hasSize(7);
    assertThat(clock.pending()).isZero();
  }
}
