package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.storage.util.Files2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WAL throughput: entries/s for {@code save} of batches of 1 and of 100 entries of 256 bytes, each
 * save fdatasync'ed (raft's MustSync holds because entries are written), and the same with fsync
 * off to show the encoder's own cost. Not part of the unit run:
 *
 * <pre>
 * java -cp storage/target/test-classes:storage/target/classes:$(deps) \
 *     io.etcdj.storage.wal.WalBenchmark [dir] [seconds-per-case]
 * </pre>
 */
public final class WalBenchmark {
  private WalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("walbench");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    for (boolean noFsync : new boolean[] {false, true}) {
      WalOptions opts = new WalOptions(WalOptions.DEFAULT_SEGMENT_SIZE_BYTES, noFsync);
      for (int batch : new int[] {1, 100}) {
        run(base.resolve("b" + batch), opts, batch, 1.0, true); // warm-up
        double rate = run(base.resolve("b" + batch), opts, batch, seconds, false);
        System.out.printf(
            Locale.ROOT,
            "batch=%d entrySize=256 fsync=%s: %.0f entries/s (%.0f saves/s)%n",
            batch,
            noFsync ? "off" : "on",
            rate,
            rate / batch);
      }
    }
    Files2.deleteRecursively(base);
  }

  private static double run(Path dir, WalOptions opts, int batch, double seconds, boolean warmup)
      throws Exception {
    Files2.deleteRecursively(dir);
    ByteString data = ByteString.copyFrom(new byte[256]);
    long index = 0;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    try (Wal w = Wal.create(dir, WalFixtures.METADATA, opts)) {
      while (System.nanoTime() < deadline) {
        List<Entry> ents = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          ents.add(
              Entry.newBuilder()
                  .setType(EntryType.EntryNormal)
                  .setTerm(1)
                  .setIndex(++index)
                  .setData(data)
                  .build());
        }
        w.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(index).build(), ents);
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return warmup ? 0 : index / elapsed;
  }
}
