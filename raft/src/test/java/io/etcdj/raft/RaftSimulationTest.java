package io.etcdj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.errorprone.annotations.FormatMethod;
import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.raft.tracker.TrackerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Randomized simulation of whole clusters of {@link RawNode}s driven through the Ready contract,
 * with partitions, message loss and reordering, crashes and restarts from persisted storage,
 * compaction (so snapshots are sent), proposals and membership changes. After every step it checks
 * that there is at most one leader per term and that no two nodes apply different entries at the
 * same index; after healing, that every committed entry is applied by every live member.
 *
 * <p>Each run is seeded; a failure names the seed, and {@code -Draft.sim.seed=N} replays exactly
 * that run ({@code -Draft.sim.runs=N} changes how many runs are made). Single-threaded.
 */
class RaftSimulationTest {
  private static final int DEFAULT_RUNS = 3000;
  private static final boolean TRACE = Boolean.getBoolean("raft.sim.trace");
  private static final long TIME_BUDGET_NANOS = 60_000_000_000L;

  @Test
  void randomizedClustersStaySafeAndConverge() {
    String only = System.getProperty("raft.sim.seed");
    if (only != null) {
      new Sim(Long.parseLong(only)).run();
      return;
    }
    int runs = Integer.getInteger("raft.sim.runs", DEFAULT_RUNS);
    long first = Long.getLong("raft.sim.firstSeed", 1);
    long start = System.nanoTime();
    int done = 0;
    long readsServed = 0;
    for (long seed = first; seed < first + runs; seed++) {
      readsServed += new Sim(seed).run();
      done++;
      if (System.nanoTime() - start > TIME_BUDGET_NANOS) {
        break;
      }
    }
    System.out.printf(
        "raft simulation: %d runs, %d linearizable reads checked, in %d ms%n",
        done, readsServed, (System.nanoTime() - start) / 1_000_000);
    assertThat(done).isGreaterThan(0);
  }

  /** One simulated cluster. */
  private static final class Sim {
    final long seed;
    final Random rnd;
    final Map<Long, SimNode> nodes = new TreeMap<>();
    final Set<Long> removed = new HashSet<>();

    /** IDs whose removal was proposed; like etcd, an ID is never reused after removal. */
    final Set<Long> retired = new HashSet<>();

    final Set<Long> everMember = new HashSet<>();
    List<Message> inflight = new ArrayList<>();
    final Set<Long> cuts = new HashSet<>(); // encoded pairs
    final Map<Long, Long> leaderOfTerm = new HashMap<>();
    final Map<Long, Entry> appliedAt = new HashMap<>();

    /** Term of every index any node has seen committed; it must never differ between nodes. */
    final Map<Long, Long> committedTerm = new HashMap<>();

    /** Highest commit index any node has reported so far. */
    long maxCommitted;

    /** Read requests in flight: context -> highest commit index known when the read began. */
    final Map<ByteString, Long> pendingReads = new HashMap<>();

    int reads;
    int readsServed;
    final Set<ByteString> servedReads = new HashSet<>();

    final int maxNodes;
    final double dropRate;
    final boolean preVote;
    final boolean checkQuorum;
    int proposals;
    int step;

    Sim(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      this.maxNodes = 3 + rnd.nextInt(5); // 3..7
      this.dropRate = rnd.nextDouble() * 0.2;
      this.preVote = rnd.nextBoolean();
      // etcd's server always runs with check-quorum. Without it raft has a known liveness gap
      // (a voter stuck on an old config campaigns at ever higher terms that the leader, whose
      // messages it ignores as stale, never hears of), which convergence would trip over.
      this.checkQuorum = true;
    }

    /** Runs the simulation; returns the number of read states checked. */
    int run() {
      try {
        int initial = Math.min(maxNodes, 3 + rnd.nextInt(3));
        List<Peer> peers = new ArrayList<>();
        for (long id = 1; id <= initial; id++) {
          peers.add(new Peer(id));
        }
        for (long id = 1; id <= initial; id++) {
          SimNode n = new SimNode(id, new MemoryStorage());
          n.start(0);
          n.rn.bootstrap(peers);
          nodes.put(id, n);
          everMember.add(id);
          process(n);
        }
        int steps = 150 + rnd.nextInt(150);
        for (step = 0; step < steps; step++) {
          randomAction();
          checkLeaders();
        }
        heal();
        return readsServed;
      } catch (Throwable t) {
        throw new AssertionError(
            "raft simulation failed; reproduce with -Draft.sim.seed="
                + seed
                + " (step "
                + step
                + ")",
            t);
      }
    }

    void randomAction() throws Exception {
      int a = rnd.nextInt(100);
      if (a < 45) {
        for (SimNode n : live()) {
          n.rn.tick();
          process(n);
        }
      } else if (a < 75) {
        deliver(true);
      } else if (a < 87) {
        List<SimNode> l = live();
        if (!l.isEmpty()) {
          SimNode n = l.get(rnd.nextInt(l.size()));
          try {
            n.rn.propose(ByteString.copyFromUtf8("s" + seed + "-" + proposals++));
          } catch (ProposalDroppedException e) {
            // expected without a leader
          }
          process(n);
        }
      } else if (a < 88) {
        // A linearizable read: the index it returns must cover everything committed before it.
        List<SimNode> l = live();
        if (!l.isEmpty()) {
          SimNode n = l.get(rnd.nextInt(l.size()));
          ByteString ctx = ByteString.copyFromUtf8("read-" + reads++);
          pendingReads.put(ctx, maxCommitted);
          n.rn.readIndex(ctx);
          process(n);
        }
      } else if (a < 90) {
        proposeConfChange();
      } else if (a < 94) {
        changePartition();
      } else if (a < 97) {
        crashOrRestart();
      } else {
        List<SimNode> l = live();
        if (!l.isEmpty()) {
          l.get(rnd.nextInt(l.size())).compact();
        }
      }
    }

    List<SimNode> live() {
      List<SimNode> out = new ArrayList<>();
      for (SimNode n : nodes.values()) {
        if (n.up) {
          out.add(n);
        }
      }
      return out;
    }

    SimNode leader() {
      SimNode best = null;
      for (SimNode n : live()) {
        if (n.rn.softState().raftState() == StateType.StateLeader
            && (best == null || n.rn.hardState().getTerm() > best.rn.hardState().getTerm())) {
          best = n;
        }
      }
      return best;
    }

    void deliver(boolean lossy) throws Exception {
      List<Message> batch = inflight;
      inflight = new ArrayList<>();
      Collections.shuffle(batch, rnd);
      for (Message m : batch) {
        SimNode to = nodes.get(m.getTo());
        boolean lost =
            to == null
                || !to.up
                || removed.contains(m.getTo())
                || cuts.contains(pair(m.getFrom(), m.getTo()))
                || (lossy && rnd.nextDouble() < dropRate);
        if (!lost && to.removedPeers.contains(m.getFrom())) {
          // Like etcd's rafthttp: a message from a removed member is refused (HTTP 410) and the
          // removed member shuts itself down.
          SimNode from = nodes.get(m.getFrom());
          removed.add(m.getFrom());
          if (from != null) {
            from.up = false;
          }
          continue;
        }
        if (lost) {
          if (m.getType() == io.etcdj.proto.raftpb.MessageType.MsgSnap) {
            // Like rafthttp, a failed snapshot send is reported so the leader can retry.
            reportSnapshot(m, SnapshotStatus.SnapshotFailure);
          }
          continue;
        }
        if (lossy && rnd.nextInt(10) == 0) {
          inflight.add(m); // delayed
          continue;
        }
        if (TRACE && !lossy) {
          System.out.println("deliver " + RaftUtil.describeMessage(m));
        }
        try {
          to.rn.step(m);
        } catch (RaftException e) {
          // dropped proposals and unknown peers are normal here
        }
        process(to);
        if (m.getType() == io.etcdj.proto.raftpb.MessageType.MsgSnap) {
          // The transport reports the snapshot outcome back to the sender.
          reportSnapshot(m, SnapshotStatus.SnapshotFinish);
        }
      }
    }

    void reportSnapshot(Message m, SnapshotStatus status) throws Exception {
      SimNode from = nodes.get(m.getFrom());
      if (from != null && from.up) {
        from.rn.reportSnapshot(m.getTo(), status);
        process(from);
      }
    }

    static long pair(long from, long to) {
      return from * 1000 + to;
    }

    void changePartition() {
      int k = rnd.nextInt(3);
      if (k == 0) {
        cuts.clear();
      } else if (k == 1) {
        long a = 1L + rnd.nextInt(maxNodes);
        long b = 1L + rnd.nextInt(maxNodes);
        cuts.add(pair(a, b));
        cuts.add(pair(b, a));
      } else {
        long a = 1L + rnd.nextInt(maxNodes);
        for (long b = 1; b <= maxNodes; b++) {
          if (b != a) {
            cuts.add(pair(a, b));
            cuts.add(pair(b, a));
          }
        }
      }
    }

    void crashOrRestart() throws Exception {
      List<SimNode> all = new ArrayList<>();
      for (SimNode n : nodes.values()) {
        if (!removed.contains(n.id)) {
          all.add(n);
        }
      }
      if (all.isEmpty()) {
        return;
      }
      SimNode n = all.get(rnd.nextInt(all.size()));
      if (n.up) {
        n.up = false;
      } else {
        n.restart();
        process(n);
      }
    }

    void proposeConfChange() throws Exception {
      SimNode l = leader();
      if (l == null) {
        return;
      }
      TrackerConfig cfg = l.rn.status().config();
      if (cfg.voters.isJoint()) {
        return;
      }
      Set<Long> voters = new HashSet<>(cfg.voters.incoming().ids());
      Set<Long> learners = new HashSet<>(cfg.learners.ids());
      long id = 1L + rnd.nextInt(maxNodes);
      if (retired.contains(id)) {
        return;
      }
      ConfChangeType type;
      int k = rnd.nextInt(4);
      if (k == 0) {
        type = ConfChangeType.ConfChangeAddNode;
      } else if (k == 1) {
        type = ConfChangeType.ConfChangeAddLearnerNode;
      } else if (k == 2) {
        if (!voters.contains(id) && !learners.contains(id)) {
          return;
        }
        // Keep at least two voters so the cluster can keep a quorum without the removed one.
        if (voters.contains(id) && voters.size() <= 2) {
          return;
        }
        type = ConfChangeType.ConfChangeRemoveNode;
      } else {
        // Joint change: promote or add two nodes at once, leaving automatically.
        long other = 1L + rnd.nextInt(maxNodes);
        if (other == id || retired.contains(other)) {
          return;
        }
        ensureNode(id);
        ensureNode(other);
        ConfChangeV2 cc =
            ConfChangeV2.newBuilder()
                .addChanges(single(ConfChangeType.ConfChangeAddNode, id))
                .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, other))
                .build();
        if (voters.contains(other) && voters.size() <= 2) {
          return;
        }
        proposeAt(l, cc);
        return;
      }
      if (type == ConfChangeType.ConfChangeAddLearnerNode
          && voters.contains(id)
          && voters.size() <= 2) {
        return;
      }
      if (type != ConfChangeType.ConfChangeRemoveNode) {
        ensureNode(id);
      } else {
        retired.add(id);
      }
      try {
        l.rn.proposeConfChange(ConfChange.newBuilder().setType(type).setNodeId(id).build());
      } catch (ProposalDroppedException e) {
        // fine
      }
      process(l);
    }

    void proposeAt(SimNode l, ConfChangeV2 cc) throws Exception {
      try {
        l.rn.proposeConfChange(cc);
      } catch (ProposalDroppedException e) {
        // fine
      }
      process(l);
    }

    static ConfChangeSingle single(ConfChangeType t, long id) {
      return ConfChangeSingle.newBuilder().setType(t).setNodeId(id).build();
    }

    /** A node about to be added starts empty and learns everything from the leader. */
    void ensureNode(long id) {
      if (!nodes.containsKey(id)) {
        SimNode n = new SimNode(id, new MemoryStorage());
        n.start(0);
        nodes.put(id, n);
      }
      everMember.add(id);
    }

    /** Handles every Ready of {@code n}: persist, send, apply, advance. */
    void process(SimNode n) throws Exception {
      while (n.up && n.rn.hasReady()) {
        Ready rd = n.rn.ready();
        // Persist first.
        if (!RaftUtil.isEmptySnap(rd.snapshot())) {
          n.storage.applySnapshot(rd.snapshot());
        }
        n.storage.append(rd.entries());
        if (!RaftUtil.isEmptyHardState(rd.hardState())) {
          n.storage.setHardState(rd.hardState());
        }
        inflight.addAll(rd.messages());
        for (ReadState rs : rd.readStates()) {
          Long floor = pendingReads.get(rs.requestCtx());
          if (floor != null && rs.index() < floor) {
            throw new AssertionError(
                String.format(
                    "node %d served read %s at index %d, but %d was already committed",
                    n.id, rs.requestCtx().toStringUtf8(), rs.index(), floor));
          }
          readsServed++;
          servedReads.add(rs.requestCtx());
        }
        // Apply.
        if (!RaftUtil.isEmptySnap(rd.snapshot())) {
          long si = rd.snapshot().getMetadata().getIndex();
          n.confState = rd.snapshot().getMetadata().getConfState();
          n.raftApplied = si;
          n.smApplied = Math.max(n.smApplied, si);
        }
        for (Entry e : rd.committedEntries()) {
          apply(n, e);
        }
        n.rn.advance(rd);
        if (removed.contains(n.id)) {
          // etcd stops a member once it applies its own removal.
          n.up = false;
        }
      }
    }

    void apply(SimNode n, Entry e) throws Exception {
      if (e.getIndex() != n.raftApplied + 1) {
        throw new AssertionError(
            String.format("node %d applied index %d after %d", n.id, e.getIndex(), n.raftApplied));
      }
      n.raftApplied = e.getIndex();
      Entry prev = appliedAt.putIfAbsent(e.getIndex(), e);
      if (prev != null && !sameEntry(prev, e)) {
        throw new AssertionError(
            String.format(
                "node %d applied %s at index %d but another node applied %s",
                n.id,
                RaftUtil.describeEntry(e, null),
                e.getIndex(),
                RaftUtil.describeEntry(prev, null)));
      }
      if (e.getType() == EntryType.EntryConfChange) {
        ConfChange cc = ConfChange.parseFrom(e.getData());
        n.confState = n.rn.applyConfChange(cc);
        if (cc.getType() == ConfChangeType.ConfChangeRemoveNode) {
          n.removedPeers.add(cc.getNodeId());
          if (cc.getNodeId() == n.id) {
            removed.add(n.id);
          }
        }
      } else if (e.getType() == EntryType.EntryConfChangeV2) {
        n.confState = n.rn.applyConfChange(ConfChangeV2.parseFrom(e.getData()));
      }
      if (e.getIndex() > n.smApplied) {
        n.smApplied = e.getIndex();
      }
    }

    static boolean sameEntry(Entry a, Entry b) {
      return a.getTerm() == b.getTerm()
          && a.getIndex() == b.getIndex()
          && a.getType() == b.getType()
          && a.getData().equals(b.getData());
    }

    void checkLeaders() {
      for (SimNode n : live()) {
        if (n.rn.softState().raftState() == StateType.StateLeader) {
          long term = n.rn.hardState().getTerm();
          Long prev = leaderOfTerm.putIfAbsent(term, n.id);
          if (prev != null && prev != n.id) {
            throw new AssertionError(
                String.format("two leaders in term %d: %d and %d", term, prev, n.id));
          }
        }
        // The commit index never regresses below what was applied.
        long commit = n.rn.hardState().getCommit();
        assertThat(commit).isGreaterThanOrEqualTo(n.raftApplied);
        checkCommitted(n, commit);
      }
    }

    /** Committed entries never change: every node sees the same term at a committed index. */
    void checkCommitted(SimNode n, long commit) {
      for (long i = Math.max(n.checkedCommit, 0) + 1; i <= commit; i++) {
        long t;
        try {
          t = n.rn.raft().raftLog.term(i);
        } catch (StorageException e) {
          continue; // compacted away here
        }
        if (t == 0) {
          continue; // behind a snapshot
        }
        Long prev = committedTerm.putIfAbsent(i, t);
        if (prev != null && prev != t) {
          throw new AssertionError(
              String.format(
                  "node %d has term %d at committed index %d, another node had %d",
                  n.id, t, i, prev));
        }
      }
      n.checkedCommit = Math.max(n.checkedCommit, commit);
      maxCommitted = Math.max(maxCommitted, commit);
    }

    /** Heals everything and requires convergence. */
    void heal() throws Exception {
      cuts.clear();
      for (SimNode n : nodes.values()) {
        if (!n.up && !removed.contains(n.id)) {
          n.restart();
          process(n);
        }
      }
      for (int round = 0; round < 2000; round++) {
        for (SimNode n : live()) {
          n.rn.tick();
          process(n);
        }
        deliver(false);
        checkLeaders();
        if (round % 10 == 0 && converged()) {
          readFromEveryMember();
          return;
        }
        if (round % 100 == 99) {
          // A snapshot taken before a member was added does not include it, and a follower
          // ignores such a snapshot; like etcd's periodic snapshots, newer ones fix that.
          for (SimNode n : live()) {
            n.compact();
          }
        }
      }
      throw new AssertionError("cluster did not converge after healing: " + describe());
    }

    /**
     * After healing, a read at every voter must be answered, at an index covering all commits.
     * Reads may be lost (e.g. a reply arrives after a term change), so unanswered ones are retried,
     * as etcd's read loop does.
     */
    void readFromEveryMember() throws Exception {
      Status st = leader().rn.status();
      Map<ByteString, SimNode> outstanding = new HashMap<>();
      for (long id : st.config().voters.ids()) {
        ByteString ctx = ByteString.copyFromUtf8("final-read-" + id);
        pendingReads.put(ctx, maxCommitted);
        outstanding.put(ctx, nodes.get(id));
      }
      for (int round = 0; round < 1000; round++) {
        outstanding.keySet().removeAll(servedReads);
        // A member removed meanwhile (a pending removal committing) can no longer read.
        outstanding.values().removeIf(n -> !n.up || removed.contains(n.id));
        if (outstanding.isEmpty()) {
          return;
        }
        if (round % 20 == 0) {
          for (Map.Entry<ByteString, SimNode> e : outstanding.entrySet()) {
            SimNode n = e.getValue();
            if (n.up) {
              n.rn.readIndex(e.getKey());
              process(n);
            }
          }
        }
        deliver(false);
        for (SimNode n : live()) {
          n.rn.tick();
          process(n);
        }
      }
      throw new AssertionError("reads not answered after healing: " + describe());
    }

    boolean converged() {
      SimNode l = leader();
      if (l == null) {
        return false;
      }
      Status st = l.rn.status();
      if (st.config().voters.isJoint()) {
        return false;
      }
      long commit = st.hardState().getCommit();
      if (l.raftApplied != commit
          || l.rn.raft().raftLog.zeroTermOnErrCompacted(commit) != st.hardState().getTerm()) {
        return false;
      }
      for (long id : st.config().voters.ids()) {
        if (!caughtUp(id, commit)) {
          return false;
        }
      }
      for (long id : st.config().learners.ids()) {
        if (!caughtUp(id, commit)) {
          return false;
        }
      }
      return true;
    }

    static long firstIndexOf(SimNode n) {
      return n.storage.firstIndex();
    }

    boolean caughtUp(long id, long commit) {
      SimNode n = nodes.get(id);
      SimNode l = leader();
      // Caught up, and following the current leader (so reads are not dropped as leaderless).
      return n != null && n.up && n.raftApplied == commit && n.rn.softState().lead() == l.id;
    }

    String describe() {
      StringBuilder b = new StringBuilder();
      for (SimNode n : nodes.values()) {
        b.append(
            String.format(
                "%n  %d up=%s removed=%s %s applied=%d hs=%s",
                n.id,
                n.up,
                removed.contains(n.id),
                n.rn.softState(),
                n.raftApplied,
                RaftUtil.describeHardState(n.rn.hardState())));
        if (n.rn.softState().raftState() == StateType.StateLeader) {
          Status st = n.rn.status();
          b.append(" config=").append(st.config()).append(" progress=").append(st.progress());
        }
        b.append(" first=").append(firstIndexOf(n)).append(" cfg=").append(n.rn.status().config());
      }
      return b.toString();
    }

    /** One simulated member: durable storage plus the volatile raft instance. */
    final class SimNode {
      final long id;
      final MemoryStorage storage;
      RawNode rn;
      boolean up;

      /** Last index that went through this incarnation's raft (or its snapshot). */
      long raftApplied;

      /** Durable state machine position (survives restarts, like etcd's backend). */
      long smApplied;

      /** Committed indexes already compared against {@code committedTerm}. */
      long checkedCommit;

      /** Members whose removal this node has applied (etcd's transport refuses them). */
      final Set<Long> removedPeers = new HashSet<>();

      ConfState confState = ConfState.getDefaultInstance();

      SimNode(long id, MemoryStorage storage) {
        this.id = id;
        this.storage = storage;
      }

      void start(long applied) {
        rn =
            new RawNode(
                Config.builder()
                    .id(id)
                    .electionTick(10)
                    .heartbeatTick(1)
                    .storage(storage)
                    .applied(applied)
                    .maxSizePerMsg(1024)
                    .maxInflightMsgs(16)
                    .preVote(preVote)
                    .checkQuorum(checkQuorum)
                    .random(new Random(rnd.nextLong()))
                    .logger(TRACE ? new PrintLogger(id) : Logger.NOOP)
                    .build());
        up = true;
      }

      /** Restarts from storage; entries after the snapshot are replayed through raft. */
      void restart() throws StorageException {
        long snapIndex = storage.snapshot().getMetadata().getIndex();
        confState = storage.snapshot().getMetadata().getConfState();
        raftApplied = snapIndex;
        start(snapIndex);
      }

      void compact() throws Exception {
        long idx = raftApplied;
        if (idx <= storage.snapshot().getMetadata().getIndex() || idx < storage.firstIndex()) {
          return;
        }
        storage.createSnapshot(idx, confState, (byte[]) null);
        storage.compact(idx);
      }
    }
  }

  /** Prints raft's log lines when tracing a seed. */
  private record PrintLogger(long id) implements Logger {
    @Override
    @FormatMethod
    public void debug(String format, Object... args) {
      System.out.println("D " + String.format(format, args));
    }

    @Override
    @FormatMethod
    public void info(String format, Object... args) {
      System.out.println("I " + String.format(format, args));
    }

    @Override
    @FormatMethod
    public void warn(String format, Object... args) {
      System.out.println("W " + String.format(format, args));
    }

    @Override
    @FormatMethod
    public void error(String format, Object... args) {
      System.out.println("E " + String.format(format, args));
    }
  }
}
