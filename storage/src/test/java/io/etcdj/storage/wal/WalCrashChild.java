package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link WalCrashTest}: opens (repairing if needed) or creates the WAL in
 * {@code args[0]}, then appends batches of entries forever, printing {@code durable <index>} after
 * each save returns. The parent kills it with SIGKILL at random moments.
 */
public final class WalCrashChild {
  private WalCrashChild() {}

  /** The payload entry {@code index} must carry (256 bytes, derived from the index). */
  static ByteString payload(long index) {
    byte[] b = new byte[256];
    byte[] tag = ("<" + index + ">").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < b.length; i++) {
      b[i] = tag[i % tag.length];
    }
    return ByteString.copyFrom(b);
  }

  static Entry entry(long index) {
    return Entry.newBuilder()
        .setType(EntryType.EntryNormal)
        .setTerm(1)
        .setIndex(index)
        .setData(payload(index))
        .build();
  }

  static Wal openRepairing(Path dir, WalOptions opts) throws Exception {
    for (int attempt = 0; ; attempt++) {
      Wal w = Wal.open(dir, WalFixtures.ZERO_SNAP, opts);
      try {
        w.readAll();
        return w;
      } catch (WalException e) {
        w.close();
        if (e.error() != WalError.UNEXPECTED_EOF || attempt > 0 || !Wal.repair(dir)) {
          throw e;
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    WalOptions opts = new WalOptions(Long.parseLong(args[1]), false);
    PrintStream out = System.out;
    Wal w;
    long last;
    if (!Wal.exists(dir)) {
      w = Wal.create(dir, WalFixtures.METADATA, opts);
      last = 0;
    } else {
      // Read the recovered tail once to know where to continue.
      try (Wal r = openRepairing(dir, opts)) {
        r.close();
      }
      try (Wal r = Wal.openForRead(dir, WalFixtures.ZERO_SNAP)) {
        List<Entry> ents = r.readAll().entries();
        last = ents.isEmpty() ? 0 : ents.get(ents.size() - 1).getIndex();
      }
      w = openRepairing(dir, opts);
    }
    String haltAt = System.getProperty("walcrash.haltAt");
    if (haltAt != null) {
      // Die like a SIGKILL the first time the named point is reached.
      w.setFaultPointsForTesting(
          name -> {
            if (name.equals(haltAt)) {
              out.flush();
              Runtime.getRuntime().halt(137);
            }
          });
    }
    out.println("ready " + last);
    out.flush();
    for (int round = 0; ; round++) {
      int batch = 1 + round % 4;
      List<Entry> ents = new ArrayList<>(batch);
      for (int i = 1; i <= batch; i++) {
        ents.add(entry(last + i));
      }
      last += batch;
      w.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(last).build(), ents);
      out.println("durable " + last);
      out.flush();
    }
  }
}
