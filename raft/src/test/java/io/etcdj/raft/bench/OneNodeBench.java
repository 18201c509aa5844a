package io.etcdj.raft.bench;

import com.google.protobuf.ByteString;
import io.etcdj.raft.Config;
import io.etcdj.raft.MemoryStorage;
import io.etcdj.raft.Node;
import io.etcdj.raft.Peer;
import io.etcdj.raft.Ready;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * etcd's {@code raft/node_bench_test.go} {@code BenchmarkOneNode} on our {@link Node}, same
 * workload: a single-voter node over a {@link MemoryStorage} (election tick 10, heartbeat tick 1,
 * no message size limit, 256 inflight), campaigned to leadership; one thread proposes {@code foo}
 * {@value #N} times, each call waiting until raft has taken the proposal (Go's {@code Propose}
 * blocks the same way), while this thread handles every Ready: append its entries to the storage,
 * sleep 1 ms ("a reasonable disk sync latency"), advance, until the proposals are committed.
 *
 * <p>One JMH invocation is one whole Go benchmark function call with {@code b.N =} {@value #N},
 * node start-up and stop included as in Go, reported per proposal. The node is started with {@link
 * Node#start} (one bootstrap ConfChange entry at index 1) where the Go test configures its voter
 * directly, so commit ends at {@code N + 2} rather than Go's {@code N + 1}, and that entry's Ready
 * is handled (without the 1 ms sleep) before campaigning; both are noise against {@value #N}.
 *
 * <p>Threading: JMH's thread plays Go's benchmark goroutine and owns the Ready loop; the proposer
 * thread only calls {@link Node#propose}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(1)
public class OneNodeBench {
  /** Proposals per invocation: about a quarter second at etcd's rate on a small machine. */
  static final int N = 100_000;

  private static final ByteString FOO = ByteString.copyFromUtf8("foo");

  /** Go: {@code BenchmarkOneNode}. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long BenchmarkOneNode() throws Exception {
    MemoryStorage s = new MemoryStorage();
    Config c =
        Config.builder()
            .id(1)
            .electionTick(10)
            .heartbeatTick(1)
            .storage(s)
            .maxSizePerMsg(Long.MAX_VALUE)
            .maxInflightMsgs(256)
            .random(new Random(1))
            .build();
    Node n =
        Node.start(
            c,
            List.of(new Peer(1)),
            r -> {
              Thread t = new Thread(r, "bench-raft-node");
              t.setDaemon(true);
              return t;
            });
    AtomicReference<Throwable> proposeFailure = new AtomicReference<>();
    Thread proposer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < N; i++) {
                  n.propose(FOO).join();
                }
              } catch (CompletionException e) {
                proposeFailure.set(e.getCause());
              }
            },
            "bench-proposer");
    try {
      // Raft refuses to campaign while the bootstrap ConfChange is committed but unapplied, so
      // hand back the bootstrap Ready first (the Go test configures its voter without a log entry).
      Ready first = n.pollReady(10, TimeUnit.SECONDS);
      if (first == null) {
        throw new IllegalStateException("no bootstrap Ready");
      }
      s.append(first.entries());
      n.advance();
      // A single voter wins at once: campaign's future completes after the step that elected it.
      n.campaign().join();
      proposer.start();
      long target = N + 2; // bootstrap ConfChange at 1, the new leader's empty entry at 2
      while (true) {
        Ready rd = n.pollReady(10, TimeUnit.SECONDS);
        if (rd == null) {
          throw new IllegalStateException("no Ready for 10 s; proposer: " + proposeFailure.get());
        }
        s.append(rd.entries());
        Thread.sleep(1);
        n.advance();
        long commit = rd.hardState().getCommit();
        if (commit == target) {
          return commit;
        }
        if (commit > target) {
          throw new IllegalStateException("committed " + commit + " past " + target);
        }
      }
    } finally {
      n.stop();
      proposer.join();
    }
  }
}
