package io.etcdj.storage.snap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import io.etcdj.proto.snappb.snapshot;
import io.etcdj.storage.util.Crc32c;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotterTest {
  @TempDir Path dir;

  private static Snapshot snap(long term, long index, String data) {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8(data))
        .setMetadata(
            SnapshotMetadata.newBuilder()
                .setTerm(term)
                .setIndex(index)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2)))
        .build();
  }

  private static io.etcdj.proto.walpb.Snapshot walSnap(long index, long term) {
    return io.etcdj.proto.walpb.Snapshot.newBuilder().setIndex(index).setTerm(term).build();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Go: TestSaveAndLoad. The file is snappb.snapshot{crc32c(data), data}. */
  @Test
  void savedSnapshotLoadsBackAndUsesEtcdsFileFormat() throws Exception {
    Snapshotter ss = new Snapshotter(dir);
    Snapshot s = snap(2, 51, "v2 store json");
    ss.saveSnap(s);
    assertThat(names()).containsExactly("0000000000000002-0000000000000033.snap");
    snapshot file = snapshot.parseFrom(Files.readAllBytes(dir.resolve(names().get(0))));
    assertThat(file.getData()).isEqualTo(s.toByteString());
    assertThat(file.getCrc()).isEqualTo(Crc32c.update(0, s.toByteArray()));
    assertThat(ss.load()).isEqualTo(s);
  }

  @Test
  void emptySnapshotIsNotSaved() throws Exception {
    new Snapshotter(dir).saveSnap(Snapshot.getDefaultInstance());
    assertThat(names()).isEmpty();
  }

  /** Go: TestBadCRC, TestFailback. */
  @Test
  void corruptNewestFileIsRenamedBrokenAndTheOlderOneLoads() throws Exception {
    Snapshotter ss = new Snapshotter(dir);
    Snapshot older = snap(1, 10, "old");
    ss.saveSnap(older);
    ss.saveSnap(snap(1, 20, "new"));
    Path newest = dir.resolve(Snapshotter.snapName(1, 20));
    byte[] b = Files.readAllBytes(newest);
    b[b.length - 1] ^= 0x01;
    Files.write(newest, b);
    assertThatThrownBy(() -> Snapshotter.read(newest)).hasMessage("snap: crc mismatch");
    assertThat(ss.load()).isEqualTo(older);
    assertThat(names())
        .containsExactly(Snapshotter.snapName(1, 10), Snapshotter.snapName(1, 20) + ".broken");
  }

  /** Go: TestNoSnapshot, TestEmptySnapshot, TestAllSnapshotBroken. */
  @Test
  void noUsableSnapshotIsNoAvailableSnapshot() throws Exception {
    Snapshotter ss = new Snapshotter(dir);
    assertThatThrownBy(ss::load).hasMessage("snap: no available snapshot");
    Files.write(dir.resolve(Snapshotter.snapName(1, 1)), new byte[0]);
    assertThatThrownBy(() -> Snapshotter.read(dir.resolve(Snapshotter.snapName(1, 1))))
        .hasMessage("snap: empty snapshot");
    Files.write(dir.resolve(Snapshotter.snapName(1, 2)), new byte[] {1, 2, 3});
    assertThatThrownBy(ss::load)
        .isInstanceOf(SnapException.class)
        .hasMessage("snap: no available snapshot");
    assertThat(names()).allMatch(n -> n.endsWith(".broken"));
  }

  /** Go: TestLoadNewestSnap. */
  @Test
  void loadNewestAvailablePicksTheNewestTheWalKnows() throws Exception {
    Snapshotter ss = new Snapshotter(dir);
    Snapshot a = snap(1, 1, "a");
    Snapshot b = snap(1, 5, "b");
    ss.saveSnap(a);
    ss.saveSnap(b);
    assertThat(ss.loadNewestAvailable(List.of(walSnap(0, 0), walSnap(1, 1), walSnap(5, 1))))
        .isEqualTo(b);
    assertThat(ss.loadNewestAvailable(List.of(walSnap(0, 0), walSnap(1, 1)))).isEqualTo(a);
    assertThatThrownBy(() -> ss.loadNewestAvailable(List.of(walSnap(5, 2))))
        .hasMessage("snap: no available snapshot");
  }

  @Test
  void leftoverTempFilesAreRemovedWhenListing() throws Exception {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(snap(1, 3, "x"));
    Files.write(dir.resolve("db.tmp.123"), new byte[] {1});
    Files.write(dir.resolve(Snapshotter.snapName(1, 9) + ".tmp"), new byte[] {1});
    ss.load();
    assertThat(names()).containsExactly(Snapshotter.snapName(1, 3));
  }

  /** A stream that produces {@code size} bytes without holding them. */
  private static InputStream pattern(long size) {
    return new InputStream() {
      long pos;

      @Override
      public int read() {
        return pos < size ? (int) (pos++ % 251) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - pos);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) (pos++ % 251);
        }
        return n;
      }
    };
  }

  /** Go: TestReleaseSnapDBs plus SaveDBFrom / DBFilePath. */
  @Test
  void receivedDatabaseIsStreamedToDiskFoundByIndexAndReleased() throws Exception {
    SnapDb db = new SnapDb(dir);
    long size = 5L * 1024 * 1024 + 17;
    assertThat(db.saveFrom(pattern(size), 0x33)).isEqualTo(size);
    Path p = db.filePath(0x33);
    assertThat(p.getFileName().toString()).isEqualTo("0000000000000033.snap.db");
    assertThat(Files.size(p)).isEqualTo(size);
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(300);
      assertThat(head[250]).isEqualTo((byte) 250);
      assertThat(head[251]).isEqualTo((byte) 0);
    }
    // A second copy for the same index keeps the first.
    assertThat(db.saveFrom(new ByteArrayInputStream(new byte[] {9}), 0x33)).isEqualTo(1);
    assertThat(Files.size(p)).isEqualTo(size);

    db.saveFrom(new ByteArrayInputStream(new byte[] {1}), 0x10);
    db.saveFrom(new ByteArrayInputStream(new byte[] {1}), 0x40);
    Files.write(dir.resolve("0000000000000050-1" + SnapDb.TMP_SUFFIX), new byte[] {1});
    assertThat(db.releaseOlderThan(0x33))
        .containsExactlyInAnyOrder(
            "0000000000000010.snap.db", "0000000000000050-1" + SnapDb.TMP_SUFFIX);
    assertThat(names()).containsExactly("0000000000000033.snap.db", "0000000000000040.snap.db");
    assertThatThrownBy(() -> db.filePath(0x10))
        .isInstanceOf(SnapException.class)
        .hasMessage("snap: snapshot file doesn't exist");
  }

  @Test
  void failedStreamLeavesNoFileBehind() throws Exception {
    SnapDb db = new SnapDb(dir);
    InputStream failing =
        new InputStream() {
          int n;

          @Override
          public int read() throws IOException {
            if (n++ > 1000) {
              throw new IOException("peer went away");
            }
            return 1;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
              return 0;
            }
            b[off] = (byte) read();
            return 1;
          }
        };
    assertThatThrownBy(() -> db.saveFrom(failing, 7)).hasMessage("peer went away");
    assertThat(names()).isEmpty();
  }
}
