package io.etcdj.raft.bench;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.raft.Config;
import io.etcdj.raft.MemoryStorage;
import io.etcdj.raft.Peer;
import io.etcdj.raft.RaftException;
import io.etcdj.raft.RaftUtil;
import io.etcdj.raft.RawNode;
import io.etcdj.raft.Ready;
import io.etcdj.raft.StateType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Propose-to-commit throughput of an in-memory 3-node cluster of {@link RawNode}s, driven through
 * the full Ready contract on one thread (persist to {@link MemoryStorage}, deliver messages, apply,
 * advance). One operation proposes {@code batch} entries at the leader and runs the cluster until
 * all of them are committed and applied on the leader.
 *
 * <p>Not part of the unit test run. To run it:
 *
 * <pre>
 * mvn -B -q -pl raft test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "raft/target/test-classes:raft/target/classes:$(cat raft/target/cp.txt)" \
 *     io.etcdj.raft.bench.ProposeCommitBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProposeCommitBenchmark {
  @Param({"1", "64"})
  public int batch;

  private final List<RawNode> nodes = new ArrayList<>();
  private final List<MemoryStorage> storages = new ArrayList<>();
  private final ArrayDeque<Message> inflight = new ArrayDeque<>();
  private ByteString payload;
  private long applied;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    payload = ByteString.copyFrom(new byte[128]);
    List<Peer> peers = List.of(new Peer(1), new Peer(2), new Peer(3));
    for (long id = 1; id <= 3; id++) {
      MemoryStorage s = new MemoryStorage();
      RawNode rn =
          new RawNode(
              Config.builder()
                  .id(id)
                  .electionTick(10)
                  .heartbeatTick(1)
                  .storage(s)
                  .maxSizePerMsg(1024 * 1024)
                  .maxInflightMsgs(256)
                  .random(new Random(id))
                  .build());
      rn.bootstrap(peers);
      nodes.add(rn);
      storages.add(s);
    }
    pump();
    nodes.get(0).campaign();
    pump();
    if (nodes.get(0).softState().raftState() != StateType.StateLeader) {
      throw new IllegalStateException("node 1 did not become leader");
    }
  }

  @Benchmark
  public long proposeAndCommit() throws Exception {
    RawNode leader = nodes.get(0);
    long target = leader.hardState().getCommit() + batch;
    for (int i = 0; i < batch; i++) {
      leader.propose(payload);
    }
    while (applied < target) {
      pump();
    }
    return applied;
  }

  /** Handles every Ready and delivers every message until the cluster is quiet. */
  private void pump() throws Exception {
    boolean busy = true;
    while (busy) {
      busy = false;
      for (int i = 0; i < nodes.size(); i++) {
        RawNode rn = nodes.get(i);
        while (rn.hasReady()) {
          busy = true;
          Ready rd = rn.ready();
          MemoryStorage s = storages.get(i);
          s.append(rd.entries());
          if (!RaftUtil.isEmptyHardState(rd.hardState())) {
            s.setHardState(rd.hardState());
          }
          inflight.addAll(rd.messages());
          if (!rd.committedEntries().isEmpty()) {
            long last = rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex();
            if (i == 0) {
              applied = last;
            }
            // Keep memory flat: compact like a server does after snapshots.
            if (last - s.firstIndex() > 20_000) {
              s.compact(last - 1_000);
            }
          }
          rn.advance(rd);
        }
      }
      while (!inflight.isEmpty()) {
        busy = true;
        Message m = inflight.poll();
        try {
          nodes.get((int) m.getTo() - 1).step(m);
        } catch (RaftException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder().include(ProposeCommitBenchmark.class.getSimpleName()).build())
        .run();
  }
}
