package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.raft.MemoryStorage;
import io.etcdj.raft.Node;
import io.etcdj.raft.RaftUtil;
import io.etcdj.raft.ReadState;
import io.etcdj.raft.Ready;
import io.etcdj.raft.ReadyHandler;
import io.etcdj.raft.StateType;
import io.etcdj.storage.raftstore.RaftStorage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code raftNode} ({@code etcdserver/raft.go}): the body of its {@code start()} loop as a
 * {@link ReadyHandler}, in etcd 3.4.23's order. A single member has no transport: a leader's
 * messages would go to nobody, so they are dropped (there are none to peers that do not exist).
 *
 * <p>Threading: {@link #handleReady} runs on the raft Node's loop thread, the only thread that
 * touches {@link RaftStorage} and {@link MemoryStorage} writes (snapshots taken by the apply loop
 * go through the synchronized RaftStorage and MemoryStorage). The published fields (leader, term,
 * commit) are volatile and may be read anywhere.
 */
final class RaftNode implements ReadyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private final long memberId;
  private final RaftStorage storage;
  private final MemoryStorage memory;
  private final Consumer<ToApply> applyQueue;
  private final Consumer<List<ReadState>> readStates;
  private final Consumer<Boolean> leadershipChanged;

  private volatile long lead = RaftUtil.NONE;
  private volatile boolean leader;
  private final AtomicLong leaderChanges = new AtomicLong();
  private volatile long term;
  private volatile long committedIndex;

  RaftNode(
      long memberId,
      RaftStorage storage,
      MemoryStorage memory,
      Consumer<ToApply> applyQueue,
      Consumer<List<ReadState>> readStates,
      Consumer<Boolean> leadershipChanged,
      HardState initial) {
    this.term = initial.getTerm();
    this.committedIndex = initial.getCommit();
    this.memberId = memberId;
    this.storage = requireNonNull(storage, "storage");
    this.memory = requireNonNull(memory, "memory");
    this.applyQueue = requireNonNull(applyQueue, "applyQueue");
    this.readStates = requireNonNull(readStates, "readStates");
    this.leadershipChanged = requireNonNull(leadershipChanged, "leadershipChanged");
  }

  @Override
  public void handleReady(Node node, Ready rd) throws Exception {
    if (rd.softState() != null) {
      long newLead = rd.softState().lead();
      boolean nowLeader = rd.softState().raftState() == StateType.StateLeader;
      if (newLead != lead) {
        LOG.info(
            "{} sees leader {} at term {}",
            Long.toHexString(memberId),
            Long.toHexString(newLead),
            rd.hardState().getTerm());
      }
      // etcd's raft loop counts a leader it had not seen (not a loss of leader)
      if (newLead != RaftUtil.NONE && newLead != lead) {
        leaderChanges.incrementAndGet();
      }
      lead = newLead;
      if (nowLeader != leader) {
        leader = nowLeader;
        leadershipChanged.accept(nowLeader);
      }
    }
    HardState hs = rd.hardState();
    if (!RaftUtil.isEmptyHardState(hs)) {
      term = hs.getTerm();
      committedIndex = hs.getCommit();
    }
    if (!rd.readStates().isEmpty()) {
      readStates.accept(rd.readStates());
    }

    // A one-voter leader commits its own entries in the Ready that first carries them: they must
    // be durable before anyone may apply them (etcd issue 14370).
    boolean waitWalSync = rd.committedEntriesOverlapUnstable();
    if (waitWalSync) {
      storage.save(hs, rd.entries());
    }
    CompletableFuture<Void> persisted = new CompletableFuture<>();
    CompletableFuture<Runnable> afterApply = new CompletableFuture<>();
    Snapshot snap = rd.snapshot();
    boolean hasSnap = !RaftUtil.isEmptySnap(snap);
    if (!rd.committedEntries().isEmpty() || hasSnap) {
      applyQueue.accept(new ToApply(rd.committedEntries(), snap, persisted, afterApply));
    } else {
      afterApply.complete(null);
    }
    // The leader would send here, in parallel with persisting; a single member has no peers.
    if (hasSnap) {
      storage.saveSnap(snap);
    }
    if (!waitWalSync) {
      storage.save(hs, rd.entries());
    }
    if (hasSnap) {
      // Synced before the applier installs it and before older WAL data is released (etcd 10219).
      storage.sync();
      persisted.complete(null);
      memory.applySnapshot(snap);
      storage.release(snap);
    }
    memory.append(rd.entries());
    persisted.complete(null);
    if (!leader && rd.committedEntriesContainConfChange()) {
      // A follower advances only once the conf change is applied; the apply thread calls
      // node.applyConfChange, which runs on this loop thread, so do not block here.
      afterApply.complete(node::advance);
      return;
    }
    afterApply.complete(null);
    node.advance();
  }

  /** Leaders seen ({@code etcd_server_leader_changes_seen_total}). */
  long leaderChanges() {
    return leaderChanges.get();
  }

  long lead() {
    return lead;
  }

  boolean isLeader() {
    return leader;
  }

  long term() {
    return term;
  }

  long committedIndex() {
    return committedIndex;
  }
}
