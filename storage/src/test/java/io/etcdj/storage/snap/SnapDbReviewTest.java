package io.etcdj.storage.snap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review finding: etcd calls {@code ReleaseSnapDBs} from the raft loop and the snapshot goroutine
 * while rafthttp may be streaming the next database in ({@code SaveDBFrom}); releasing must not
 * delete that in-progress temporary file.
 */
class SnapDbReviewTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void releaseDuringAReceiveKeepsTheDatabaseBeingReceived() throws Exception {
    SnapDb db = new SnapDb(dir);
    db.saveFrom(new ByteArrayInputStream(new byte[] {1}), 0x10);
    byte[] body = new byte[200 * 1024];
    body[body.length - 1] = 7;
    InputStream in =
        new InputStream() {
          private final InputStream data = new ByteArrayInputStream(body);
          private boolean released;

          @Override
          public int read() throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (!released && data.available() < body.length) {
              // Half-way through the receive, the server releases after applying 0x40.
              released = true;
              try {
                assertThat(db.releaseOlderThan(0x40)).containsExactly("0000000000000010.snap.db");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            return data.read(b, off, Math.min(len, 4096));
          }
        };
    assertThat(db.saveFrom(in, 0x50)).isEqualTo(body.length);
    assertThat(Files.readAllBytes(db.filePath(0x50))).isEqualTo(body);
  }
}
