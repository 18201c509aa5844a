package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.Metadata;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.walpb.Record;
import io.etcdj.proto.walpb.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared builders and an independent frame walker for WAL tests. */
final class WalFixtures {
  private WalFixtures() {}

  /** The names of the {@code .wal} segments in {@code dir}, in order. */
  static List<String> walFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".wal"))
          .sorted()
          .toList();
    }
  }

  /** A new WAL in {@code dir} saved into until it spans at least {@code segments} segments. */
  static Wal walWithSegments(Path dir, int segments, WalOptions options) throws IOException {
    Wal w = Wal.create(dir, METADATA, options);
    String big = "r".repeat(700);
    long i = 1;
    while (walFiles(dir).size() < segments) {
      w.save(state(1, 1, i), List.of(entry(i, 1, big)));
      i++;
    }
    return w;
  }

  static final ByteString METADATA =
      Metadata.newBuilder()
          .setNodeID(0x8e9e05c52164694dL)
          .setClusterID(0xcdf818194e3a8c32L)
          .build()
          .toByteString();

  static final Snapshot ZERO_SNAP = Snapshot.newBuilder().setIndex(0).setTerm(0).build();

  static Snapshot snap(long index, long term) {
    return Snapshot.newBuilder().setIndex(index).setTerm(term).build();
  }

  static Entry entry(long index, long term) {
    return entry(index, term, "entry-" + index + "-term-" + term);
  }

  static Entry entry(long index, long term, String data) {
    return Entry.newBuilder()
        .setType(EntryType.EntryNormal)
        .setTerm(term)
        .setIndex(index)
        .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8))
        .build();
  }

  static List<Entry> entries(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  static HardState state(long term, long vote, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
  }

  /** One frame of a WAL file as laid out on disk. */
  record Frame(long offset, int recBytes, int pad, Record record) {
    long end() {
      return offset + 8 + recBytes + pad;
    }

    /** File offset of the record's first byte (after the length word). */
    long bodyOffset() {
      return offset + 8;
    }
  }

  /** Walks the frames of a well-formed segment image, without any of the production code. */
  static List<Frame> frames(byte[] file) throws Exception {
    List<Frame> out = new ArrayList<>();
    int p = 0;
    while (p + 8 <= file.length) {
      long field = 0;
      for (int i = 7; i >= 0; i--) {
        field = (field << 8) | (file[p + i] & 0xff);
      }
      if (field == 0) {
        break;
      }
      int rec = (int) (field & 0x00FFFFFFFFFFFFFFL);
      int pad = field < 0 ? (int) ((field >>> 56) & 7) : 0;
      Record r = Record.parseFrom(java.util.Arrays.copyOfRange(file, p + 8, p + 8 + rec));
      out.add(new Frame(p, rec, pad, r));
      p += 8 + rec + pad;
    }
    return out;
  }
}
