package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The server's raft thread (etcd {@code raft/node.go}): one loop thread owns a {@link RawNode} and
 * is the only thread that touches it. Every other thread hands work to it through ONE
 * multi-producer queue (grpc-java {@code SynchronizationContext} style); the loop drains it in
 * order, spins briefly when idle and then parks. No lock is shared with callers: a Ready is built
 * on the loop thread from loop-owned state.
 *
 * <p>What may be refused: only ticks (beyond {@value #MAX_PENDING_TICKS} unprocessed, with etcd's
 * warning) and peer messages (beyond {@value #MAX_PENDING_PEER_MESSAGES} unprocessed, like a lost
 * packet). Proposals, conf changes, status requests, read-index requests and advances are never
 * dropped for lack of room.
 *
 * <p>Proposals while no leader is known wait (etcd sets {@code propc} to nil then) until a leader
 * appears, the caller's deadline passes ({@link ProposalTimeoutException}), the caller cancels the
 * future, or the node stops. Deadlines are read from the node's nano clock ({@link
 * Builder#nanoClock}; {@link System#nanoTime} by default).
 *
 * <p>Readies go to exactly one consumer, chosen at build time:
 *
 * <ul>
 *   <li>a {@link ReadyHandler}, called on the loop thread (the server's raft loop runs there); or
 *   <li>one thread that calls {@link #pollReady} and then {@link #advance()}.
 * </ul>
 *
 * No new Ready is produced before {@link #advance()}; inputs keep being served meanwhile.
 *
 * <p>Threading: every public method may be called from any thread, including the loop thread (from
 * inside the handler): calls made there are queued like any other, except {@link #advance()}, which
 * runs inline. {@link #pollReady} must be called by one thread at a time. Returned futures complete
 * on the loop thread: chain blocking work with the {@code *Async} variants. {@link #stop()} is
 * idempotent; afterwards every call fails with {@link StoppedException} (fire-and-forget calls are
 * ignored). If the loop dies of a broken invariant or a handler failure, that exception is the
 * StoppedException's cause (also {@link #failure()}).
 */
public final class Node implements AutoCloseable {
  /** Ticks beyond this many unprocessed ones are dropped (etcd's {@code tickc} capacity). */
  static final int MAX_PENDING_TICKS = 128;

  /** Peer messages beyond this many unprocessed ones are dropped like lost packets. */
  static final int MAX_PENDING_PEER_MESSAGES = 4096;

  /** Inputs handled per pass before the loop checks for a Ready again. */
  private static final int MAX_BATCH = 1024;

  private final RawNode rn;
  private final Raft raft;
  private final long id;
  private final Logger logger;
  private final LongSupplier nanoClock;
  private final ReadyHandler handler;
  private final long spinNanos;
  private final Thread thread;

  // Shared with callers; all lock-free.
  private final ConcurrentLinkedQueue<Work> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingTicks = new AtomicInteger();
  private final AtomicInteger pendingPeerMessages = new AtomicInteger();
  private final AtomicReference<Ready> outgoing = new AtomicReference<>();
  private volatile boolean loopParked;
  private volatile Thread readyWaiter;
  private volatile boolean stopped;
  private volatile Throwable failure;

  /** Published by the loop for the tick warning, which must not read raft's fields. */
  private volatile boolean leading;

  /** When the loop last processed a tick (etcd raftNode's {@code latestTickTs}). */
  private volatile long lastTickNanos;

  // Owned by the loop thread.
  private final ArrayDeque<Proposal> waitingForLeader = new ArrayDeque<>();
  private Ready inProgress;
  private long lastLead = RaftUtil.NONE;
  private boolean removedSelf;

  private Node(RawNode rn, Builder b) {
    this.rn = rn;
    this.raft = rn.raft();
    this.id = b.config.id;
    this.logger = b.config.logger;
    this.nanoClock = b.nanoClock;
    this.handler = b.handler;
    this.spinNanos = b.spinNanos;
    this.thread = b.threadFactory.newThread(this::run);
    this.lastTickNanos = nanoClock.getAsLong();
  }

  /** Options for a Node; {@link #start} or {@link #restart} builds and starts it. */
  public static Builder builder(Config config, ThreadFactory threadFactory) {
    return new Builder(config, threadFactory);
  }

  /**
   * Starts a new member of a new cluster whose initial members are {@code peers} (etcd {@code
   * StartNode}), handing Readies to {@link #pollReady}.
   */
  public static Node start(Config c, List<Peer> peers, ThreadFactory threadFactory)
      throws StorageException {
    return builder(c, threadFactory).start(peers);
  }

  /** Restarts a member from its storage (etcd {@code RestartNode}). */
  public static Node restart(Config c, ThreadFactory threadFactory) {
    return builder(c, threadFactory).restart();
  }

  /** Node options. Not thread-safe; build on one thread. */
  public static final class Builder {
    private final Config config;
    private final ThreadFactory threadFactory;
    private LongSupplier nanoClock = System::nanoTime;
    private ReadyHandler handler;
    private long spinNanos = SpinFuture.SPIN_NANOS;

    private Builder(Config config, ThreadFactory threadFactory) {
      this.config = config;
      this.threadFactory = threadFactory;
    }

    /** The clock proposal deadlines are measured on (tests inject a fake one). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = nanoClock;
      return this;
    }

    /** Handle Readies on the loop thread instead of through {@link Node#pollReady}. */
    public Builder readyHandler(ReadyHandler handler) {
      this.handler = handler;
      return this;
    }

    /** How long the idle loop spins before parking (0: park at once). */
    public Builder spinNanos(long spinNanos) {
      if (spinNanos < 0) {
        throw new IllegalArgumentException("spinNanos must be >= 0");
      }
      this.spinNanos = spinNanos;
      return this;
    }

    /** etcd {@code StartNode}: bootstraps {@code peers} into an empty storage, then starts. */
    public Node start(List<Peer> peers) throws StorageException {
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("no peers given; use RestartNode instead");
      }
      RawNode rn = new RawNode(config);
      rn.bootstrap(peers);
      return launch(rn);
    }

    /** etcd {@code RestartNode}: resumes from the storage. */
    public Node restart() {
      return launch(new RawNode(config));
    }

    private Node launch(RawNode rn) {
      Node n = new Node(rn, this);
      n.thread.start();
      return n;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Caller side

  /** Advances logical time by one tick; drops it with a warning if the loop is too far behind. */
  public void tick() {
    if (stopped) {
      return;
    }
    int n;
    do {
      n = pendingTicks.get();
      if (n >= MAX_PENDING_TICKS) {
        logger.warn("%x (leader %s) A tick missed to fire. Node blocks too long!", id, leading);
        return;
      }
    } while (!pendingTicks.compareAndSet(n, n + 1));
    wakeLoop();
  }

  /**
   * The node clock's reading when the loop last processed a tick, or when the node was built. A
   * loop stuck in its Ready handler (say on a slow disk) stops advancing it, which is how etcd
   * tells that a leader may no longer be one (its {@code ensureLeadership}, 3.4.31).
   */
  public long lastTickNanos() {
    return lastTickNanos;
  }

  /** Starts an election. */
  public CompletableFuture<Void> campaign() {
    SpinFuture<Void> f = new SpinFuture<>();
    enqueue(
        new Work(
            () -> {
              rn.campaign();
              f.complete(null);
            },
            f,
            false));
    return f;
  }

  /**
   * Proposes data without a deadline; see {@link #propose(ByteString, long)}. Without a leader it
   * waits until one appears, the future is cancelled, or the node stops.
   */
  public CompletableFuture<Void> propose(ByteString data) {
    return propose(data, false, 0);
  }

  /**
   * Proposes data. The future completes when raft has taken it (appended on the leader or forwarded
   * to it); it says nothing about commitment, watch committed entries for that. It fails with
   * {@link ProposalDroppedException} if raft dropped it (e.g. leadership transfer in progress, or
   * this node removed itself), and with {@link ProposalTimeoutException} once {@code deadlineNanos}
   * (on the node's nano clock) passes before a leader is known.
   */
  public CompletableFuture<Void> propose(ByteString data, long deadlineNanos) {
    return propose(data, true, deadlineNanos);
  }

  private CompletableFuture<Void> propose(ByteString data, boolean hasDeadline, long deadline) {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .setFrom(id)
            .addEntries(Entry.newBuilder().setData(data))
            .build();
    return enqueueProposal(m, hasDeadline, deadline);
  }

  /** Proposes a v1 conf change; waits for a leader like {@link #propose(ByteString, long)}. */
  public CompletableFuture<Void> proposeConfChange(ConfChange cc, long deadlineNanos) {
    return enqueueProposal(
        confChange(EntryType.EntryConfChange, cc.toByteString()), true, deadlineNanos);
  }

  /** Proposes a V2 conf change; waits for a leader like {@link #propose(ByteString, long)}. */
  public CompletableFuture<Void> proposeConfChange(ConfChangeV2 cc, long deadlineNanos) {
    return enqueueProposal(
        confChange(EntryType.EntryConfChangeV2, cc.toByteString()), true, deadlineNanos);
  }

  /** Proposes a v1 conf change without a deadline. */
  public CompletableFuture<Void> proposeConfChange(ConfChange cc) {
    return enqueueProposal(confChange(EntryType.EntryConfChange, cc.toByteString()), false, 0);
  }

  /** Proposes a V2 conf change without a deadline. */
  public CompletableFuture<Void> proposeConfChange(ConfChangeV2 cc) {
    return enqueueProposal(confChange(EntryType.EntryConfChangeV2, cc.toByteString()), false, 0);
  }

  private Message confChange(EntryType type, ByteString data) {
    return RawNode.confChangeToMsg(type, data).toBuilder().setFrom(id).build();
  }

  /**
   * Steps a message from a peer. Local-only message types are ignored (as etcd's {@code node.Step}
   * does); responses from unknown peers are dropped. A forwarded proposal ({@code MsgProp}) waits
   * for a leader like a local one, without a deadline; other messages may be dropped when the loop
   * is {@value #MAX_PENDING_PEER_MESSAGES} messages behind, and their future then completes
   * normally (a lost packet).
   */
  public CompletableFuture<Void> step(Message m) {
    return step(m, false, 0);
  }

  /** Like {@link #step(Message)}; a forwarded proposal gives up at {@code deadlineNanos}. */
  public CompletableFuture<Void> step(Message m, long deadlineNanos) {
    return step(m, true, deadlineNanos);
  }

  private CompletableFuture<Void> step(Message m, boolean hasDeadline, long deadline) {
    if (RaftUtil.isLocalMsg(m.getType())) {
      return CompletableFuture.completedFuture(null);
    }
    if (m.getType() == MessageType.MsgProp) {
      // etcd's node loop stamps every proposal with its own ID.
      return enqueueProposal(m.toBuilder().setFrom(id).build(), hasDeadline, deadline);
    }
    if (pendingPeerMessages.incrementAndGet() > MAX_PENDING_PEER_MESSAGES) {
      pendingPeerMessages.decrementAndGet();
      logger.warn("%x raft node inbox full; dropping %s from %x", id, m.getType(), m.getFrom());
      return CompletableFuture.completedFuture(null);
    }
    SpinFuture<Void> f = new SpinFuture<>();
    enqueue(
        new Work(
            () -> {
              try {
                rn.step(m);
              } catch (StepPeerNotFoundException e) {
                // Like etcd's node loop: a response from a removed peer is silently dropped.
              } catch (RaftException e) {
                f.completeExceptionally(e);
                return;
              }
              f.complete(null);
            },
            f,
            true));
    return f;
  }

  /**
   * Applies a committed configuration change; completes with the new ConfState. Never dropped: the
   * membership the server applies and raft's tracker must not diverge.
   */
  public CompletableFuture<ConfState> applyConfChange(ConfChange cc) {
    return applyConfChange(RaftUtil.asV2(cc));
  }

  public CompletableFuture<ConfState> applyConfChange(ConfChangeV2 cc) {
    SpinFuture<ConfState> f = new SpinFuture<>();
    enqueue(
        new Work(
            () -> {
              boolean before = raft.prs.progress.containsKey(raft.id);
              ConfState cs = rn.applyConfChange(cc);
              if (before
                  && !raft.prs.progress.containsKey(raft.id)
                  && !cs.getVotersList().contains(raft.id)
                  && !cs.getVotersOutgoingList().contains(raft.id)) {
                // We were removed. etcd blocks its proposal channel for good; we fail proposals.
                removedSelf = true;
              }
              f.complete(cs);
            },
            f,
            false));
    return f;
  }

  /** A snapshot of the node's state, taken on the loop thread. Never dropped. */
  public CompletableFuture<Status> status() {
    SpinFuture<Status> f = new SpinFuture<>();
    enqueue(new Work(() -> f.complete(rn.status()), f, false));
    return f;
  }

  /** Tells the leader a message to {@code id} could not be delivered (droppable, like a step). */
  public void reportUnreachable(long peer) {
    enqueuePeerSignal(() -> rn.reportUnreachable(peer));
  }

  /** Tells the leader how sending a snapshot to {@code id} ended (droppable, like a step). */
  public void reportSnapshot(long peer, SnapshotStatus status) {
    enqueuePeerSignal(() -> rn.reportSnapshot(peer, status));
  }

  private void enqueuePeerSignal(Runnable r) {
    if (pendingPeerMessages.incrementAndGet() > MAX_PENDING_PEER_MESSAGES) {
      pendingPeerMessages.decrementAndGet();
      logger.warn("%x raft node inbox full; dropping a peer report", id);
      return;
    }
    enqueue(new Work(r, null, true));
  }

  /** Asks the leader to transfer leadership to {@code transferee}. */
  public void transferLeadership(long lead, long transferee) {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgTransferLeader)
            .setFrom(transferee)
            .setTo(lead)
            .build();
    enqueue(
        new Work(
            () -> {
              try {
                rn.step(m);
              } catch (RaftException e) {
                logger.debug("transfer leadership request dropped: %s", e.getMessage());
              }
            },
            null,
            false));
  }

  /**
   * Requests a read index; the answer comes as a {@link ReadState} in a later Ready. The future
   * completes once raft has taken the request. Never dropped.
   */
  public CompletableFuture<Void> readIndex(ByteString rctx) {
    SpinFuture<Void> f = new SpinFuture<>();
    enqueue(
        new Work(
            () -> {
              rn.readIndex(rctx);
              f.complete(null);
            },
            f,
            false));
    return f;
  }

  /**
   * Waits up to {@code timeout} for the next Ready; returns null on timeout. Only for a node built
   * without a {@link ReadyHandler}; one consumer thread at a time.
   *
   * @throws StoppedException if the node is stopped (with the loop's failure as cause, if any)
   */
  public Ready pollReady(long timeout, TimeUnit unit)
      throws InterruptedException, StoppedException {
    if (handler != null) {
      throw new IllegalStateException("this node hands its Readies to a ReadyHandler");
    }
    long start = System.nanoTime();
    long nanos = unit.toNanos(timeout);
    while (true) {
      Ready rd = outgoing.getAndSet(null);
      if (rd != null) {
        return rd;
      }
      if (stopped) {
        throw stoppedException();
      }
      long elapsed = System.nanoTime() - start;
      if (elapsed >= nanos) {
        return null;
      }
      if (elapsed < spinNanos) {
        Thread.onSpinWait();
        continue;
      }
      readyWaiter = Thread.currentThread();
      if (outgoing.get() == null && !stopped) {
        LockSupport.parkNanos(this, nanos - elapsed);
      }
      readyWaiter = null;
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /**
   * Signals that the last Ready has been persisted and sent and its apply handed off (etcd calls
   * {@code Advance} before the apply completes). Runs inline on the loop thread; queued (never
   * dropped) from any other thread.
   */
  public void advance() {
    if (Thread.currentThread() == thread) {
      doAdvance();
      return;
    }
    enqueue(new Work(this::doAdvance, null, false));
  }

  /** The exception that killed the loop, or null (running, or stopped by {@link #stop()}). */
  public Throwable failure() {
    return failure;
  }

  /** Stops the loop thread and waits for it (unless called on it); idempotent. */
  public void stop() {
    stopped = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() == thread) {
      return;
    }
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

  @Override
  public void close() {
    stop();
  }

  private StoppedException stoppedException() {
    Throwable cause = failure;
    return cause == null ? new StoppedException() : new StoppedException(cause);
  }

  private CompletableFuture<Void> enqueueProposal(Message m, boolean hasDeadline, long deadline) {
    SpinFuture<Void> f = new SpinFuture<>();
    enqueue(new Proposal(m, f, hasDeadline, deadline));
    return f;
  }

  private void enqueue(Work w) {
    if (stopped) {
      w.fail(stoppedException());
      return;
    }
    inbox.offer(w);
    wakeLoop();
    if (stopped) {
      // The loop may have drained the inbox for the last time before our offer.
      failQueued();
    }
  }

  private void wakeLoop() {
    if (loopParked) {
      LockSupport.unpark(thread);
    }
  }

  private void failQueued() {
    StoppedException e = stoppedException();
    Work w;
    while ((w = inbox.poll()) != null) {
      w.fail(e);
    }
  }

  /** Queued work; {@code future} (nullable) is failed if it never runs. */
  private static class Work {
    final Runnable action;
    final CompletableFuture<?> future;
    final boolean peer;

    Work(Runnable action, CompletableFuture<?> future, boolean peer) {
      this.action = action;
      this.future = future;
      this.peer = peer;
    }

    void fail(Throwable t) {
      if (future != null) {
        future.completeExceptionally(t);
      }
    }
  }

  /** A proposal (local or forwarded), which may wait on the loop for a leader. */
  private static final class Proposal extends Work {
    final Message message;
    final boolean hasDeadline;
    final long deadline;

    Proposal(Message message, CompletableFuture<Void> future, boolean hasDeadline, long deadline) {
      super(null, future, false);
      this.message = message;
      this.hasDeadline = hasDeadline;
      this.deadline = deadline;
    }

    boolean expired(long now) {
      return hasDeadline && now - deadline >= 0;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Loop thread

  private void run() {
    Throwable cause = null;
    try {
      while (!stopped) {
        boolean worked = drainInputs();
        worked |= expireWaiting();
        logLeaderChange();
        worked |= maybeEmitReady();
        if (!worked) {
          idle();
        }
      }
    } catch (Exception | Error e) {
      // A broken raft invariant or a failed Ready handler: the node cannot continue safely.
      cause = e;
      logger.error("%x raft node loop failed: %s", id, e);
    } finally {
      shutDown(cause);
    }
  }

  private boolean drainInputs() {
    boolean worked = false;
    int ticks = pendingTicks.getAndSet(0);
    for (int i = 0; i < ticks; i++) {
      rn.tick();
      worked = true;
    }
    if (ticks > 0) {
      lastTickNanos = nanoClock.getAsLong();
    }
    for (int i = 0; i < MAX_BATCH; i++) {
      Work w = inbox.poll();
      if (w == null) {
        break;
      }
      worked = true;
      if (w.peer) {
        pendingPeerMessages.decrementAndGet();
      }
      if (w instanceof Proposal p) {
        handleProposal(p);
      } else {
        try {
          w.action.run();
        } catch (RuntimeException | Error e) {
          // The loop dies of this; the caller waiting on this work must hear it, not hang.
          w.fail(e);
          throw e;
        }
      }
    }
    return worked;
  }

  private void handleProposal(Proposal p) {
    if (p.future.isDone()) {
      return; // cancelled by the caller
    }
    if (!raft.hasLeader()) {
      if (p.expired(nanoClock.getAsLong())) {
        p.fail(new ProposalTimeoutException());
      } else {
        waitingForLeader.add(p);
      }
      return;
    }
    // Earlier proposals that waited for this leader go first.
    releaseWaiting();
    stepProposal(p);
  }

  private void stepProposal(Proposal p) {
    if (removedSelf) {
      p.fail(new ProposalDroppedException());
      return;
    }
    if (p.hasDeadline && p.expired(nanoClock.getAsLong())) {
      p.fail(new ProposalTimeoutException());
      return;
    }
    try {
      raft.step(p.message);
      p.future.complete(null);
    } catch (ProposalDroppedException e) {
      p.fail(e);
    }
  }

  private void releaseWaiting() {
    Proposal p;
    while (raft.hasLeader() && (p = waitingForLeader.poll()) != null) {
      if (!p.future.isDone()) {
        stepProposal(p);
      }
    }
  }

  /** Releases waiting proposals once a leader is known; fails the expired and drops cancelled. */
  private boolean expireWaiting() {
    if (waitingForLeader.isEmpty()) {
      return false;
    }
    if (raft.hasLeader()) {
      releaseWaiting();
      return true;
    }
    long now = nanoClock.getAsLong();
    boolean worked = false;
    for (Iterator<Proposal> it = waitingForLeader.iterator(); it.hasNext(); ) {
      Proposal p = it.next();
      if (p.future.isDone()) {
        it.remove();
      } else if (p.expired(now)) {
        it.remove();
        p.fail(new ProposalTimeoutException());
        worked = true;
      }
    }
    return worked;
  }

  private boolean maybeEmitReady() throws Exception {
    if (inProgress != null || !rn.hasReady()) {
      return false;
    }
    Ready rd = rn.ready();
    inProgress = rd;
    if (handler != null) {
      handler.handleReady(this, rd);
    } else {
      outgoing.set(rd);
      Thread w = readyWaiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
    return true;
  }

  private void doAdvance() {
    if (inProgress == null) {
      return; // nothing handed out: a stray or repeated advance
    }
    Ready rd = inProgress;
    inProgress = null;
    rn.advance(rd);
  }

  /** Spins briefly, then parks until input arrives or the nearest proposal deadline. */
  private void idle() {
    long start = System.nanoTime();
    while (System.nanoTime() - start < spinNanos) {
      if (hasInput()) {
        return;
      }
      Thread.onSpinWait();
    }
    loopParked = true;
    try {
      if (!hasInput()) {
        long park = parkNanos();
        if (park > 0) {
          LockSupport.parkNanos(this, park);
          // The loop owns its thread: an interrupt must not turn parking into busy spinning.
          Thread.interrupted();
        }
      }
    } finally {
      loopParked = false;
    }
  }

  private boolean hasInput() {
    return stopped || !inbox.isEmpty() || pendingTicks.get() != 0;
  }

  private long parkNanos() {
    long park = Long.MAX_VALUE;
    long now = nanoClock.getAsLong();
    for (Proposal p : waitingForLeader) {
      if (p.hasDeadline) {
        park = Math.min(park, Math.max(1, p.deadline - now));
      }
    }
    return park;
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
    leading = raft.lead == raft.id;
  }

  /** Runs on the loop thread as it exits: nothing queued or waiting will ever run. */
  private void shutDown(Throwable cause) {
    failure = cause;
    stopped = true;
    StoppedException e = stoppedException();
    for (Proposal p : waitingForLeader) {
      p.fail(e);
    }
    waitingForLeader.clear();
    failQueued();
    Thread w = readyWaiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }
}
