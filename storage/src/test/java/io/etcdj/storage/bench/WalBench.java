package io.etcdj.storage.bench;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.storage.util.Files2;
import io.etcdj.storage.wal.Wal;
import io.etcdj.storage.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * etcd's {@code wal/wal_bench_test.go} on our WAL, same workload: a new WAL with metadata {@code
 * somedata}; one {@code raftpb.Entry} whose only field is {@code Data} (100 or 1000 bytes {@code 0,
 * 1, 2, ...}); per operation the entry is appended, and after every {@code batch + 1} appends the
 * WAL is flushed and fdatasync'ed ({@code batch} 0 means a sync after every entry).
 *
 * <p>Go calls the package-private {@code saveEntry}/{@code sync}. Through our public API the same
 * work is {@code save(emptyHardState, entries)}: it encodes each entry, skips the empty HardState,
 * and syncs because entries were written. So each operation queues the entry, and the operation
 * that completes a group of {@code batch + 1} saves the group; the encoding cost moves to that
 * operation but the total per group is Go's. {@code saveEntry} never cuts a segment (Go's file
 * grows past its 64 MB preallocation), so the WAL here is created with an 8 GiB segment (sparse)
 * and never cuts either. Each JMH iteration gets a new WAL, like each Go {@code b.N} run.
 *
 * <p>Threading: JMH drives each benchmark from one thread; the state is owned by it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(1)
public class WalBench {
  private static final HardState EMPTY_STATE = HardState.getDefaultInstance();
  private static final long NO_CUT_SEGMENT_BYTES = 8L << 30;

  /** A WAL and the entry it appends; subclasses fix the entry size. */
  abstract static class WalState {
    private final Entry entry;
    private final List<Entry> group = new ArrayList<>();
    private Path dir;
    private Wal wal;

    WalState(int size) {
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) i;
      }
      entry = Entry.newBuilder().setData(ByteString.copyFrom(data)).build();
    }

    void create() throws IOException {
      dir = Files.createTempDirectory("waltest");
      Files2.deleteRecursively(dir); // Wal.create builds the directory itself.
      wal =
          Wal.create(
              dir,
              ByteString.copyFromUtf8("somedata"),
              WalOptions.defaults().withSegmentSizeBytes(NO_CUT_SEGMENT_BYTES));
      group.clear();
    }

    void destroy() throws IOException {
      wal.close();
      Files2.deleteRecursively(dir);
    }

    /** Go's loop body: {@code saveEntry(e); n++; if n > batch { sync(); n = 0 }}. */
    void writeEntry(int batch) throws IOException {
      group.add(entry);
      if (group.size() > batch) {
        wal.save(EMPTY_STATE, group);
        group.clear();
      }
    }
  }

  /** 100-byte entries. */
  @State(Scope.Thread)
  public static class Entry100 extends WalState {
    public Entry100() {
      super(100);
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
      create();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
      destroy();
    }
  }

  /** 1000-byte entries. */
  @State(Scope.Thread)
  public static class Entry1000 extends WalState {
    public Entry1000() {
      super(1000);
    }

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
      create();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
      destroy();
    }
  }

  /** Go: {@code BenchmarkWrite100EntryWithoutBatch}. */
  @Benchmark
  public void BenchmarkWrite100EntryWithoutBatch(Entry100 s) throws IOException {
    s.writeEntry(0);
  }

  /** Go: {@code BenchmarkWrite100EntryBatch10}. */
  @Benchmark
  public void BenchmarkWrite100EntryBatch10(Entry100 s) throws IOException {
    s.writeEntry(10);
  }

  /** Go: {@code BenchmarkWrite100EntryBatch100}. */
  @Benchmark
  public void BenchmarkWrite100EntryBatch100(Entry100 s) throws IOException {
    s.writeEntry(100);
  }

  /** Go: {@code BenchmarkWrite100EntryBatch500}. */
  @Benchmark
  public void BenchmarkWrite100EntryBatch500(Entry100 s) throws IOException {
    s.writeEntry(500);
  }

  /** Go: {@code BenchmarkWrite100EntryBatch1000}. */
  @Benchmark
  public void BenchmarkWrite100EntryBatch1000(Entry100 s) throws IOException {
    s.writeEntry(1000);
  }

  /** Go: {@code BenchmarkWrite1000EntryWithoutBatch}. */
  @Benchmark
  public void BenchmarkWrite1000EntryWithoutBatch(Entry1000 s) throws IOException {
    s.writeEntry(0);
  }

  /** Go: {@code BenchmarkWrite1000EntryBatch10}. */
  @Benchmark
  public void BenchmarkWrite1000EntryBatch10(Entry1000 s) throws IOException {
    s.writeEntry(10);
  }

  /** Go: {@code BenchmarkWrite1000EntryBatch100}. */
  @Benchmark
  public void BenchmarkWrite1000EntryBatch100(Entry1000 s) throws IOException {
    s.writeEntry(100);
  }

  /** Go: {@code BenchmarkWrite1000EntryBatch500}. */
  @Benchmark
  public void BenchmarkWrite1000EntryBatch500(Entry1000 s) throws IOException {
    s.writeEntry(500);
  }

  /** Go: {@code BenchmarkWrite1000EntryBatch1000}. */
  @Benchmark
  public void BenchmarkWrite1000EntryBatch1000(Entry1000 s) throws IOException {
    s.writeEntry(1000);
  }
}
