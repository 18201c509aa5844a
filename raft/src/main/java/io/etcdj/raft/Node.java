package io.etcdj.raft;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A thread-safe raft node (etcd {@code raft/node.go}): one loop thread owns a {@link RawNode};
 * every other thread only enqueues work for it. Queues are bounded and never block the caller: a
 * tick that does not fit is dropped with a warning (as etcd does), a proposal that does not fit
 * fails with {@link ProposalDroppedException}, and a peer message that does not fit is dropped like
 * a lost packet.
 *
 * <p>Readies go to one consumer thread: it calls {@link #pollReady}, handles the {@link Ready}
 * (persist, send, apply) and then calls {@link #advance()}. No new Ready is produced before that.
 *
 * <p>Thread-safe. {@link #stop()} is idempotent; afterwards every call fails with {@link
 * StoppedException} (or is ignored, for fire-and-forget calls). Returned futures are completed on
 * the loop thread: chain blocking work with the {@code *Async} variants, never directly.
 */
public final class Node implements AutoCloseable {
  /** Ticks beyond this many unprocessed ones are dropped (etcd's {@code tickc} capacity). */
  static final int MAX_PENDING_TICKS = 128;

  private final RawNode rn;
  private final Raft raft;
  private final Logger logger;
  private final int maxInbox;
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition readyAvailable = lock.newCondition();

  @GuardedBy("lock")
  private final ArrayDeque<Work> inbox = new ArrayDeque<>();

  /** Queued work and the future to fail if it never runs. */
  private record Work(Consumer<RawNode> action, CompletableFuture<?> future) {}

  @GuardedBy("lock")
  private int pendingTicks;

  @GuardedBy("lock")
  private boolean stopped;

  /** The Ready handed out and not yet taken by the consumer. */
  @GuardedBy("lock")
  private Ready outgoing;

  /** A Ready was handed out and {@link #advance()} has not been called yet. */
  @GuardedBy("lock")
  private boolean awaitingAdvance;

  @GuardedBy("lock")
  private boolean advanceRequested;

  // Owned by the loop thread.
  private Ready inProgress;
  private long lastLead = RaftUtil.NONE;
  private boolean removedSelf;

  private Node(RawNode rn, Logger logger, int maxInbox, ThreadFactory threadFactory) {
    this.rn = rn;
    this.raft = rn.raft();
    this.logger = logger;
    this.maxInbox = maxInbox;
    this.thread = threadFactory.newThread(this::run);
  }

  /**
   * Starts a new member of a new cluster whose initial members are {@code peers} (etcd {@code
   * StartNode}).
   */
  public static Node start(Config c, List<Peer> peers, ThreadFactory threadFactory)
      throws StorageException {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers given; use RestartNode instead");
    }
    RawNode rn = new RawNode(c);
    rn.bootstrap(peers);
    return launch(rn, c, threadFactory);
  }

  /** Restarts a member from its storage (etcd {@code RestartNode}). */
  public static Node restart(Config c, ThreadFactory threadFactory) {
    return launch(new RawNode(c), c, threadFactory);
  }

  private static Node launch(RawNode rn, Config c, ThreadFactory threadFactory) {
    Node n = new Node(rn, c.logger, 4096, threadFactory);
    n.thread.start();
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // Caller side

  /** Advances logical time by one tick; drops it with a warning if the loop is too far behind. */
  public void tick() {
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      if (pendingTicks >= MAX_PENDING_TICKS) {
        logger.warn(
            "%x (leader %s) A tick missed to fire. Node blocks too long!",
            raft.id, raft.id == raft.lead);
        return;
      }
      pendingTicks++;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Starts an election. */
  public CompletableFuture<Void> campaign() {
    return submit(RawNode::campaign, false);
  }

  /**
   * Proposes data; the future completes when raft has accepted it (appended on the leader or
   * forwarded to it) and fails with {@link ProposalDroppedException} if it was dropped. It says
   * nothing about commitment: watch committed entries for that.
   */
  public CompletableFuture<Void> propose(ByteString data) {
    return submit(
        r -> {
          try {
            r.propose(data);
          } catch (ProposalDroppedException e) {
            throw new CompletionFailure(e);
          }
        },
        true);
  }

  public CompletableFuture<Void> proposeConfChange(ConfChange cc) {
    return stepProposal(RawNode.confChangeToMsg(EntryType.EntryConfChange, cc.toByteString()));
  }

  public CompletableFuture<Void> proposeConfChange(ConfChangeV2 cc) {
    return stepProposal(RawNode.confChangeToMsg(EntryType.EntryConfChangeV2, cc.toByteString()));
  }

  private CompletableFuture<Void> stepProposal(Message m) {
    return submit(
        r -> {
          try {
            raft.step(m.toBuilder().setFrom(raft.id).build());
          } catch (ProposalDroppedException e) {
            throw new CompletionFailure(e);
          }
        },
        true);
  }

  /**
   * Steps a message from a peer. Local-only message types are ignored (as etcd's {@code node.Step}
   * does); responses from unknown peers are dropped.
   */
  public CompletableFuture<Void> step(Message m) {
    if (RaftUtil.isLocalMsg(m.getType())) {
      return CompletableFuture.completedFuture(null);
    }
    boolean proposal = m.getType() == MessageType.MsgProp;
    return submit(
        r -> {
          try {
            if (proposal && removedSelf) {
              throw new ProposalDroppedException();
            }
            r.step(m);
          } catch (StepPeerNotFoundException e) {
            // Like etcd's node loop: a response from a removed peer is silently dropped.
          } catch (RaftException e) {
            throw new CompletionFailure(e);
          }
        },
        proposal);
  }

  /** Applies a committed configuration change; completes with the new ConfState. */
  public CompletableFuture<ConfState> applyConfChange(ConfChange cc) {
    return applyConfChange(RaftUtil.asV2(cc));
  }

  public CompletableFuture<ConfState> applyConfChange(ConfChangeV2 cc) {
    CompletableFuture<ConfState> f = new CompletableFuture<>();
    enqueue(
        r -> {
          boolean before = raft.prs.progress.containsKey(raft.id);
          ConfState cs = r.applyConfChange(cc);
          if (before
              && !raft.prs.progress.containsKey(raft.id)
              && !cs.getVotersList().contains(raft.id)
              && !cs.getVotersOutgoingList().contains(raft.id)) {
            // We were removed: stop accepting proposals (etcd blocks its proposal channel).
            removedSelf = true;
          }
          f.complete(cs);
        },
        f,
        false);
    return f;
  }

  public CompletableFuture<Status> status() {
    CompletableFuture<Status> f = new CompletableFuture<>();
    enqueue(r -> f.complete(r.status()), f, false);
    return f;
  }

  public void reportUnreachable(long id) {
    enqueue(r -> r.reportUnreachable(id), new CompletableFuture<>(), false);
  }

  public void reportSnapshot(long id, SnapshotStatus status) {
    enqueue(r -> r.reportSnapshot(id, status), new CompletableFuture<>(), false);
  }

  /** Asks the leader to transfer leadership to {@code transferee}. */
  public void transferLeadership(long lead, long transferee) {
    enqueue(
        r -> {
          try {
            r.step(
                Message.newBuilder()
                    .setType(MessageType.MsgTransferLeader)
                    .setFrom(transferee)
                    .setTo(lead)
                    .build());
          } catch (RaftException e) {
            logger.debug("transfer leadership request dropped: %s", e.getMessage());
          }
        },
        new CompletableFuture<>(),
        false);
  }

  /** Requests a read index; the answer comes as a {@link ReadState} in a later Ready. */
  public CompletableFuture<Void> readIndex(ByteString rctx) {
    return submit(r -> r.readIndex(rctx), false);
  }

  /**
   * Waits up to {@code timeout} for the next Ready; returns null on timeout.
   *
   * @throws StoppedException if the node is stopped
   */
  public Ready pollReady(long timeout, TimeUnit unit)
      throws InterruptedException, StoppedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (outgoing == null) {
        if (stopped) {
          throw new StoppedException();
        }
        if (nanos <= 0) {
          return null;
        }
        nanos = readyAvailable.awaitNanos(nanos);
      }
      Ready rd = outgoing;
      outgoing = null;
      return rd;
    } finally {
      lock.unlock();
    }
  }

  /** Signals that the last Ready has been fully handled. */
  public void advance() {
    lock.lock();
    try {
      if (stopped || !awaitingAdvance) {
        return;
      }
      advanceRequested = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the loop thread and waits for it; idempotent. Pending calls fail with stopped. */
  public void stop() {
    lock.lock();
    try {
      if (!stopped) {
        stopped = true;
        wake.signal();
        readyAvailable.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() != thread) {
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Wraps a raft outcome so the loop can fail the caller's future with it. */
  private static final class CompletionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CompletionFailure(RaftException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private CompletableFuture<Void> submit(Consumer<RawNode> work, boolean proposal) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    enqueue(
        r -> {
          try {
            work.accept(r);
            f.complete(null);
          } catch (CompletionFailure e) {
            f.completeExceptionally(e.getCause());
          }
        },
        f,
        proposal);
    return f;
  }

  /** Queues work for the loop; fails {@code f} (and returns false) if stopped or full. */
  private boolean enqueue(Consumer<RawNode> work, CompletableFuture<?> f, boolean proposal) {
    lock.lock();
    try {
      if (stopped) {
        f.completeExceptionally(new StoppedException());
        return false;
      }
      if (inbox.size() >= maxInbox) {
        if (proposal) {
          f.completeExceptionally(new ProposalDroppedException());
        } else {
          logger.warn("%x raft node inbox full; dropping request", raft.id);
          f.complete(null);
        }
        return false;
      }
      inbox.add(
          new Work(
              r -> {
                try {
                  work.accept(r);
                } catch (RuntimeException e) {
                  f.completeExceptionally(e);
                  throw e;
                }
              },
              f));
      wake.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Loop thread

  private void run() {
    ArrayDeque<Work> batch = new ArrayDeque<>();
    try {
      while (true) {
        int ticks;
        boolean doAdvance;
        lock.lock();
        try {
          while (!stopped
              && inbox.isEmpty()
              && pendingTicks == 0
              && !advanceRequested
              && !(outgoing == null && !awaitingAdvance && rn.hasReady())) {
            wake.awaitUninterruptibly();
          }
          if (stopped) {
            break;
          }
          batch.addAll(inbox);
          inbox.clear();
          ticks = pendingTicks;
          pendingTicks = 0;
          doAdvance = advanceRequested;
          advanceRequested = false;
        } finally {
          lock.unlock();
        }

        if (doAdvance) {
          rn.advance(inProgress);
          inProgress = null;
          lock.lock();
          try {
            awaitingAdvance = false;
          } finally {
            lock.unlock();
          }
        }
        for (int i = 0; i < ticks; i++) {
          rn.tick();
        }
        while (!batch.isEmpty()) {
          batch.poll().action().accept(rn);
        }
        logLeaderChange();
        publishReady();
      }
    } catch (RuntimeException e) {
      // A broken raft invariant: the node cannot continue safely.
      logger.error("%x raft node loop failed: %s", raft.id, e);
      throw e;
    } finally {
      for (Work w : batch) {
        w.future().completeExceptionally(new StoppedException());
      }
      failPending();
    }
  }

  private void publishReady() {
    lock.lock();
    try {
      if (awaitingAdvance || !rn.hasReady()) {
        return;
      }
      Ready rd = rn.ready();
      inProgress = rd;
      outgoing = rd;
      awaitingAdvance = true;
      readyAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void logLeaderChange() {
    if (lastLead == raft.lead) {
      return;
    }
    if (raft.hasLeader()) {
      if (lastLead == RaftUtil.NONE) {
        logger.info("raft.node: %x elected leader %x at term %d", raft.id, raft.lead, raft.term);
      } else {
        logger.info(
            "raft.node: %x changed leader from %x to %x at term %d",
            raft.id, lastLead, raft.lead, raft.term);
      }
    } else {
      logger.info("raft.node: %x lost leader %x at term %d", raft.id, lastLead, raft.term);
    }
    lastLead = raft.lead;
  }

  /** Runs on the loop thread as it exits: nothing queued will ever run. */
  private void failPending() {
    lock.lock();
    try {
      stopped = true;
      for (Work w : inbox) {
        w.future().completeExceptionally(new StoppedException());
      }
      inbox.clear();
      readyAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
