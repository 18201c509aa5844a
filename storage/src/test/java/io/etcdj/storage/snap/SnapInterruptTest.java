package io.etcdj.storage.snap;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review C8 for the snap directory: a thread with its interrupt status set (a cancelled task, a
 * {@code shutdownNow()}) saves and loads snapshots and databases normally and keeps its status.
 * With {@code FileChannel} the save failed, and a load failed so that the good file was renamed
 * {@code .broken}.
 */
class SnapInterruptTest {
  @TempDir Path dir;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static Snapshot snap(long index, long term) {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8("state at " + index))
        .setMetadata(
            SnapshotMetadata.newBuilder()
                .setIndex(index)
                .setTerm(term)
                .setConfState(ConfState.newBuilder().addVoters(1)))
        .build();
  }

  @Test
  void interruptedThreadSavesAndLoadsSnapshots() throws Exception {
    Snapshotter s = new Snapshotter(dir);
    Thread.currentThread().interrupt();

    s.saveSnap(snap(5, 1));
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(s.load()).isEqualTo(snap(5, 1));
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(dir.resolve(Snapshotter.snapName(1, 5) + ".broken")).doesNotExist();
  }

  @Test
  void interruptedThreadSavesSnapshotDatabases() throws Exception {
    SnapDb db = new SnapDb(dir);
    byte[] body = new byte[300 * 1024];
    body[body.length - 1] = 9;
    Thread.currentThread().interrupt();

    assertThat(db.saveFrom(new ByteArrayInputStream(body), 0x20)).isEqualTo(body.length);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(Files.readAllBytes(Thread.interrupted() ? db.filePath(0x20) : null)).isEqualTo(body);
  }
}
