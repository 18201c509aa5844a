package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.CompactionRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.mvccpb.KeyValue;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 durability of the assembled distribution: {@code bin/etcdj} on loopback ephemeral ports
 * and a temp data dir takes puts from concurrent writers (some on leases) while a compactor
 * compacts and a granter grants leases; the JVM is SIGKILLed at a random moment, restarted on the
 * same data dir, and every acknowledged write must be there with its value and mod revision (or,
 * for the one write per writer that was in flight, its successor), every acknowledged lease must
 * exist with its keys, an acknowledged compaction must hold, revisions must only grow, and the node
 * must take new writes. Runs after {@code package}, like {@link DistributionIT}.
 *
 * <p>System properties: {@code etcdj.crash.cycles} (kill/restart cycles, default 3 for CI; e.g.
 * {@code -Detcdj.crash.cycles=200} for a long run) and {@code etcdj.crash.seed} (the seed for kill
 * moments, values and the compaction and lease schedule; printed at start, so a failure reruns with
 * the same choices — thread interleaving aside). Example:
 *
 * <pre>
 * mvn -B -o -pl server -am verify -Dit.test=CrashIT -Dtest=NoSuchTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Detcdj.crash.cycles=50 -Detcdj.crash.seed=42
 * </pre>
 */
class CrashIT {
  private static final int WRITERS = 4;
  private static final int KEYS_PER_WRITER = 64;
  private static final long LEASE_TTL = 3600;

  @TempDir Path dir;

  /** The last acknowledged put of a key, and the put still in flight when the node died. */
  private record Ack(String value, long modRevision, long lease) {}

  private record Pending(String key, String value, long lease) {}

  private static final class Writer {
    final Map<String, Ack> acked = new HashMap<>();
    volatile Pending pending;
    long lastRevision;
    long puts;
  }

  private final Map<String, Ack> allAcked = new ConcurrentHashMap<>();
  private final Map<Long, Boolean> grantedLeases = new ConcurrentHashMap<>();
  private final AtomicLong ackedCompaction = new AtomicLong();
  private final AtomicLong maxAckedRevision = new AtomicLong();
  private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private long seed;

  @Test
  void acknowledgedWritesLeasesAndCompactionsSurviveSigkill() throws Exception {
    seed = Long.getLong("etcdj.crash.seed", System.nanoTime());
    int cycles = Integer.getInteger("etcdj.crash.cycles", 3);
    System.out.println("CrashIT seed=" + seed + " cycles=" + cycles);
    Random random = new Random(seed);
    Path launcher = launcher();
    Path data = dir.resolve("data");
    int client = freePort();
    int peer = freePort();

    // One long lease that lives through every cycle; writer 0 attaches all its keys to it.
    long sharedLease = 0;
    for (int cycle = 1; cycle <= cycles; cycle++) {
      try (Node node = Node.start(launcher, dir, data, client, peer, cycle)) {
        if (cycle == 1) {
          sharedLease =
              node.lease()
                  .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(LEASE_TTL).build())
                  .getID();
          grantedLeases.put(sharedLease, true);
        } else {
          verify(node, "after restart " + (cycle - 1));
        }
        runAndKill(node, random, sharedLease, cycle);
      }
    }
    try (Node node = Node.start(launcher, dir, data, client, peer, cycles + 1)) {
      verify(node, "after restart " + cycles);
      PutResponse r =
          node.kv().put(PutRequest.newBuilder().setKey(bs("final")).setValue(bs("ok")).build());
      assertThat(r.getHeader().getRevision()).isGreaterThan(maxAckedRevision.get());
      node.stopGracefully();
    }
    assertThat(allAcked).as("acknowledged puts over all cycles").hasSizeGreaterThan(cycles);
  }

  private void runAndKill(Node node, Random random, long sharedLease, int cycle) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<Writer> writers = new ArrayList<>();
    long valueSeed = random.nextLong();
    for (int w = 0; w < WRITERS; w++) {
      Writer writer = new Writer();
      writers.add(writer);
      int id = w;
      Random r = new Random(valueSeed + w);
      threads.add(
          start(
              "crash-writer-" + w,
              () -> write(node, id, writer, r, stop, id == 0 ? sharedLease : 0, cycle)));
    }
    Random side = new Random(random.nextLong());
    threads.add(start("crash-compactor", () -> compact(node, side, stop)));
    threads.add(start("crash-granter", () -> grant(node, stop)));

    // Kill at a random moment once writes flow: 200..1700 ms of load. Every second cycle the kill
    // lands just after a physical compaction was sent, while the node compacts.
    long delay = 200 + random.nextInt(1500);
    Thread.sleep(delay); // the moment of the kill is the point of the test; nothing to wait on
    boolean duringCompaction = cycle % 2 == 0;
    if (duringCompaction) {
      KVGrpc.newFutureStub(node.channel)
          .compact(
              CompactionRequest.newBuilder()
                  .setRevision(Math.max(1, maxAckedRevision.get() - 1))
                  .setPhysical(true)
                  .build());
      Thread.sleep(random.nextInt(4));
    }
    node.kill();
    stop.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(t.isAlive()).as("%s stopped after the kill", t.getName()).isFalse();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("seed " + seed + ": a load thread failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    long puts = writers.stream().mapToLong(w -> w.puts).sum();
    System.out.println(
        "CrashIT cycle "
            + cycle
            + ": killed after "
            + delay
            + " ms, "
            + puts
            + " acknowledged puts, compacted at "
            + ackedCompaction.get()
            + (duringCompaction ? ", during a compaction" : ""));
    for (Writer w : writers) {
      Pending p = w.pending;
      if (p != null) {
        pendings.put(p.key(), p);
      }
    }
  }

  private Thread start(String name, Runnable body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failures.add(e);
              }
            },
            name);
    t.start();
    return t;
  }

  // Puts still unanswered at the kill: each may or may not have been committed.
  private final Map<String, Pending> pendings = new ConcurrentHashMap<>();

  private void write(
      Node node, int id, Writer w, Random r, AtomicBoolean stop, long lease, int cycle) {
    KVGrpc.KVBlockingStub kv = node.kv();
    while (!stop.get()) {
      String key = "w" + id + "/" + r.nextInt(KEYS_PER_WRITER);
      String value = "c" + cycle + "-" + Long.toHexString(r.nextLong());
      w.pending = new Pending(key, value, lease);
      PutResponse resp;
      try {
        resp =
            kv.withDeadlineAfter(5, TimeUnit.SECONDS)
                .put(
                    PutRequest.newBuilder()
                        .setKey(bs(key))
                        .setValue(bs(value))
                        .setLease(lease)
                        .build());
      } catch (StatusRuntimeException e) {
        return; // the node is gone; the put stays pending
      }
      long rev = resp.getHeader().getRevision();
      assertThat(rev).as("revision after %d", w.lastRevision).isGreaterThan(w.lastRevision);
      w.lastRevision = rev;
      Ack ack = new Ack(value, rev, lease);
      w.acked.put(key, ack);
      allAcked.put(key, ack);
      pendings.remove(key);
      maxAckedRevision.accumulateAndGet(rev, Math::max);
      w.pending = null;
      w.puts++;
    }
  }

  private void compact(Node node, Random r, AtomicBoolean stop) {
    KVGrpc.KVBlockingStub kv = node.kv();
    while (!stop.get()) {
      long target = maxAckedRevision.get() - r.nextInt(20);
      if (target > ackedCompaction.get() + 10) {
        try {
          kv.withDeadlineAfter(5, TimeUnit.SECONDS)
              .compact(
                  CompactionRequest.newBuilder()
                      .setRevision(target)
                      .setPhysical(r.nextBoolean())
                      .build());
          ackedCompaction.accumulateAndGet(target, Math::max);
        } catch (StatusRuntimeException e) {
          if (!"etcdserver: mvcc: required revision has been compacted"
              .equals(e.getStatus().getDescription())) {
            return; // the node is gone (a lost answer leaves a compaction that may have applied)
          }
        }
      }
      try {
        Thread.sleep(20 + r.nextInt(80)); // a compaction now and then, not a busy loop
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void grant(Node node, AtomicBoolean stop) {
    LeaseGrpc.LeaseBlockingStub lease = node.lease();
    while (!stop.get()) {
      try {
        long id =
            lease
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(LEASE_TTL).build())
                .getID();
        grantedLeases.put(id, true);
        Thread.sleep(50);
      } catch (StatusRuntimeException e) {
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void verify(Node node, String when) {
    KVGrpc.KVBlockingStub kv = node.kv();
    RangeResponse all =
        kv.range(RangeRequest.newBuilder().setKey(bs("w")).setRangeEnd(bs("x")).build());
    Map<String, KeyValue> found = new HashMap<>();
    for (KeyValue k : all.getKvsList()) {
      found.put(k.getKey().toStringUtf8(), k);
    }
    long headerRevision = all.getHeader().getRevision();
    assertThat(headerRevision)
        .as("%s: revision is at least the highest acknowledged one", when)
        .isGreaterThanOrEqualTo(maxAckedRevision.get());
    for (Map.Entry<String, Ack> e : allAcked.entrySet()) {
      String key = e.getKey();
      Ack ack = e.getValue();
      KeyValue kvFound = found.get(key);
      assertThat(kvFound).as("%s: acknowledged key %s", when, key).isNotNull();
      Pending p = pendings.get(key);
      if (p != null && kvFound.getValue().toStringUtf8().equals(p.value())) {
        // the in-flight put was committed before the kill: it is the newer one
        assertThat(kvFound.getModRevision()).isGreaterThan(ack.modRevision());
        allAcked.put(key, new Ack(p.value(), kvFound.getModRevision(), p.lease()));
      } else {
        assertThat(kvFound.getValue().toStringUtf8())
            .as("%s: value of %s", when, key)
            .isEqualTo(ack.value());
        assertThat(kvFound.getModRevision())
            .as("%s: mod revision of %s", when, key)
            .isEqualTo(ack.modRevision());
        assertThat(kvFound.getLease()).as("%s: lease of %s", when, key).isEqualTo(ack.lease());
      }
      maxAckedRevision.accumulateAndGet(kvFound.getModRevision(), Math::max);
    }
    // A pending put of a key that had no acknowledged put yet.
    for (Pending p : pendings.values()) {
      KeyValue kvFound = found.get(p.key());
      if (!allAcked.containsKey(p.key()) && kvFound != null) {
        assertThat(kvFound.getValue().toStringUtf8()).isEqualTo(p.value());
        allAcked.put(p.key(), new Ack(p.value(), kvFound.getModRevision(), p.lease()));
      }
    }
    pendings.clear();

    // Every acknowledged lease is there with the keys that were put on it.
    LeaseGrpc.LeaseBlockingStub lease = node.lease();
    for (long id : grantedLeases.keySet()) {
      LeaseTimeToLiveResponse ttl =
          lease.leaseTimeToLive(
              LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build());
      assertThat(ttl.getTTL()).as("%s: lease %x exists", when, id).isPositive();
      List<String> keys = ttl.getKeysList().stream().map(ByteString::toStringUtf8).toList();
      List<String> want =
          allAcked.entrySet().stream()
              .filter(e -> e.getValue().lease() == id)
              .map(Map.Entry::getKey)
              .toList();
      assertThat(keys)
          .as("%s: keys of lease %x", when, id)
          .containsExactlyInAnyOrderElementsOf(want);
    }

    // An acknowledged compaction holds: older revisions are gone, the compacted one reads.
    long compacted = ackedCompaction.get();
    if (compacted > 1) {
      try {
        kv.range(RangeRequest.newBuilder().setKey(bs("w")).setRevision(compacted - 1).build());
        throw new AssertionError(when + ": revision " + (compacted - 1) + " should be compacted");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(e.getStatus().getDescription())
            .isEqualTo("etcdserver: mvcc: required revision has been compacted");
      }
    }

    // The node takes writes, at a revision above everything acknowledged before.
    PutResponse r = kv.put(PutRequest.newBuilder().setKey(bs("probe")).setValue(bs(when)).build());
    assertThat(r.getHeader().getRevision()).isGreaterThan(maxAckedRevision.get());
    maxAckedRevision.accumulateAndGet(r.getHeader().getRevision(), Math::max);
  }

  /** One run of bin/etcdj; close kills it if still alive and closes the channel. */
  private static final class Node implements AutoCloseable {
    private final Process process;
    private final ManagedChannel channel;
    private final Path log;

    private Node(Process process, ManagedChannel channel, Path log) {
      this.process = process;
      this.channel = channel;
      this.log = log;
    }

    static Node start(Path launcher, Path dir, Path data, int client, int peer, int run)
        throws Exception {
      String clientUrl = "http://127.0.0.1:" + client;
      String peerUrl = "http://127.0.0.1:" + peer;
      Path log = dir.resolve("etcdj-" + run + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  launcher.toString(),
                  "--name",
                  "crash",
                  "--data-dir",
                  data.toString(),
                  "--listen-client-urls",
                  clientUrl,
                  "--advertise-client-urls",
                  clientUrl,
                  "--listen-peer-urls",
                  peerUrl,
                  "--initial-advertise-peer-urls",
                  peerUrl,
                  "--initial-cluster",
                  "crash=" + peerUrl)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("ETCDJ_HEAP", "256m");
      Process p = pb.start();
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
      Node node = new Node(p, ch, log);
      try {
        // ready: a serializable-free read answers (the member has published itself)
        node.kv()
            .withWaitForReady()
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .range(RangeRequest.newBuilder().setKey(bs("probe")).build());
      } catch (RuntimeException e) {
        node.close();
        throw new AssertionError("etcdj did not start; log:\n" + Files.readString(log), e);
      }
      return node;
    }

    KVGrpc.KVBlockingStub kv() {
      return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    LeaseGrpc.LeaseBlockingStub lease() {
      return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** SIGKILL the JVM itself: bin/etcdj execs java, so the launched PID is the JVM. */
    void kill() throws InterruptedException {
      ProcessHandle h = process.toHandle();
      assertThat(h.info().command().orElse(""))
          .as("the launched process is the JVM")
          .endsWith("java");
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      assertThat(h.destroyForcibly()).isTrue();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    void stopGracefully() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("etcdj stops on SIGTERM").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Path launcher() {
    Path dist = Path.of(System.getProperty("etcdj.distribution"));
    Path bin = dist.resolve("bin/etcdj");
    assertThat(bin).as("the assembled distribution (run after package)").isExecutable();
    return bin;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
