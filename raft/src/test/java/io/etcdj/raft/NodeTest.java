package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The thread-safe {@link Node} wrapper (etcd {@code node_test.go}). */
class NodeTest {
  private static final ThreadFactory THREADS =
      r -> {
        Thread t = new Thread(r, "raft-node-test");
        t.setDaemon(true);
        return t;
      };

  private Node node;
  private Thread consumer;
  private final List<Entry> applied = new CopyOnWriteArrayList<>();
  private final List<ReadState> readStates = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    if (node != null) {
      node.stop();
    }
    if (consumer != null) {
      consumer.join(5000);
    }
  }

  /** Runs the application side of the Ready contract on its own thread. */
  private void startConsumer(MemoryStorage s) {
    consumer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Ready rd = node.pollReady(50, TimeUnit.MILLISECONDS);
                  if (rd == null) {
                    continue;
                  }
                  RawNodeTest.persist(rd, s);
                  for (Entry e : rd.committedEntries()) {
                    if (e.getType() == EntryType.EntryConfChange) {
                      node.applyConfChange(ConfChange.parseFrom(e.getData()))
                          .get(5, TimeUnit.SECONDS);
                    }
                    applied.add(e);
                  }
                  readStates.addAll(rd.readStates());
                  node.advance();
                }
              } catch (StoppedException e) {
                // done
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "ready-consumer");
    consumer.setDaemon(true);
    consumer.start();
  }

  private static void await(BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      Thread.sleep(5);
    }
  }

  private Node startSingle(MemoryStorage s) throws Exception {
    node = Node.start(config(1, 10, 1, s).build(), List.of(new Peer(1)), THREADS);
    startConsumer(s);
    // A node does not campaign while its bootstrap conf change is unapplied.
    await(() -> node.status().join().applied() >= 1);
    return node;
  }

  /** TestNodePropose, TestNodeStart. */
  @Test
  void proposalIsCommittedAndDelivered() throws Exception {
    MemoryStorage s = new MemoryStorage();
    startSingle(s);
    node.campaign().get(5, TimeUnit.SECONDS);
    await(() -> node.status().join().softState().raftState() == StateType.StateLeader);
    node.propose(bytes("somedata")).get(5, TimeUnit.SECONDS);
    await(() -> applied.stream().anyMatch(e -> e.getData().equals(bytes("somedata"))));
    assertThat(applied.get(0).getType()).isEqualTo(EntryType.EntryConfChange);
    assertThat(s.lastIndex()).isGreaterThanOrEqualTo(3);
  }

  /**
   * TestBlockProposal: without a leader a proposal waits (etcd's propc is nil while lead is None)
   * and goes through once a leader appears; here it is forwarded to the new leader.
   */
  /**
   * Removing the last voter is a raft panic ("removed all voters", as etcd 3.4.23 panics when a
   * lone member removes itself): the loop dies, and the caller of the change hears it.
   */
  @Test
  void aConfChangeThatKillsTheLoopFailsItsCallerInsteadOfHanging() throws Exception {
    node = Node.restart(config(1, 10, 1, new MemoryStorage()).peers(1).build(), THREADS);
    java.util.concurrent.CompletableFuture<ConfState> f =
        node.applyConfChange(
            ConfChange.newBuilder()
                .setType(ConfChangeType.ConfChangeRemoveNode)
                .setNodeId(1)
                .build());
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("removed all voters");
    assertThat(node.failure()).hasRootCauseMessage("removed all voters");
  }

  @Test
  void proposalWaitsForLeaderThenIsForwarded() throws Exception {
    node = Node.restart(config(1, 10, 1, new MemoryStorage()).peers(1, 2, 3).build(), THREADS);
    java.util.concurrent.CompletableFuture<Void> f = node.propose(bytes("x"));
    node.status().get(5, TimeUnit.SECONDS); // the loop has seen the proposal
    assertThat(f).isNotDone();
    node.step(heartbeat(2, 1)).get(5, TimeUnit.SECONDS);
    f.get(5, TimeUnit.SECONDS);
    List<Message> sent = new java.util.ArrayList<>();
    while (sent.stream().noneMatch(m -> m.getType() == MessageType.MsgProp)) {
      Ready rd = node.pollReady(5, TimeUnit.SECONDS);
      assertThat(rd).isNotNull();
      sent.addAll(rd.messages());
      node.advance();
    }
    Message prop =
        sent.stream().filter(m -> m.getType() == MessageType.MsgProp).findFirst().orElseThrow();
    assertThat(prop.getTo()).isEqualTo(2);
    assertThat(prop.getEntries(0).getData()).isEqualTo(bytes("x"));
  }

  /** A waiting proposal fails with a typed timeout once the caller's deadline passes. */
  @Test
  void proposalWithoutLeaderTimesOutAtDeadline() throws Exception {
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    node =
        Node.builder(config(1, 10, 1, new MemoryStorage()).peers(1, 2, 3).build(), THREADS)
            .nanoClock(clock::get)
            .restart();
    java.util.concurrent.CompletableFuture<Void> f = node.propose(bytes("x"), 1_000);
    node.status().get(5, TimeUnit.SECONDS);
    assertThat(f).isNotDone();
    clock.set(1_000);
    node.tick(); // wakes the loop, which checks deadlines on every pass
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ProposalTimeoutException.class)
        .hasMessage("context deadline exceeded");
  }

  private static Message heartbeat(long from, long term) {
    return Message.newBuilder()
        .setType(MessageType.MsgHeartbeat)
        .setFrom(from)
        .setTo(1)
        .setTerm(term)
        .build();
  }

  /**
   * C3: with the inbox full of peer messages, a committed conf change, a status request and an
   * advance still get through (etcd blocks on confc; it never drops them). Before the fix the conf
   * change future completed with null and raft never saw it.
   */
  @Test
  void confChangeStatusAndAdvanceAreNeverDroppedWhenInboxIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    MemoryStorage s = new MemoryStorage();
    node = Node.restart(config(1, 10, 1, s).peers(1).build(), gated(release));
    for (int i = 0; i < Node.MAX_PENDING_PEER_MESSAGES + 1000; i++) {
      node.step(
          Message.newBuilder().setType(MessageType.MsgHeartbeatResp).setFrom(9).setTo(1).build());
    }
    java.util.concurrent.CompletableFuture<ConfState> cc =
        node.applyConfChange(
            ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build());
    java.util.concurrent.CompletableFuture<Status> st = node.status();
    node.advance();
    release.countDown();
    assertThat(cc.get(5, TimeUnit.SECONDS).getVotersList()).containsExactly(1L, 2L);
    assertThat(st.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(node.status().get(5, TimeUnit.SECONDS).config().voters.incoming().ids())
        .containsExactly(1L, 2L);
  }

  /** §2.2: when the loop dies (here: the Ready handler fails), callers see the cause. */
  @Test
  void loopFailureIsTheCauseOfLaterStoppedExceptions() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.setHardState(io.etcdj.proto.raftpb.HardState.newBuilder().setTerm(1).setCommit(1).build());
    s.append(List.of(RaftTestUtil.entry(1, 1)));
    java.io.IOException disk = new java.io.IOException("disk on fire");
    node =
        Node.builder(config(1, 10, 1, s).peers(1).build(), THREADS)
            .readyHandler(
                (n, rd) -> {
                  throw disk;
                })
            .restart();
    await(() -> node.failure() != null);
    assertThat(node.failure()).isSameAs(disk);
    assertThatThrownBy(() -> node.status().get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(StoppedException.class)
        .hasMessage("raft: stopped")
        .cause()
        .isSameAs(disk);
  }

  /** The server's mode: Readies handled on the loop thread, advancing inline. */
  @Test
  void readyHandlerOnLoopThreadCommitsProposals() throws Exception {
    MemoryStorage s = new MemoryStorage();
    List<Entry> committed = new CopyOnWriteArrayList<>();
    List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
    node =
        Node.builder(config(1, 10, 1, s).build(), THREADS)
            .readyHandler(
                (n, rd) -> {
                  handlerThreads.add(Thread.currentThread());
                  RawNodeTest.persist(rd, s);
                  for (Entry e : rd.committedEntries()) {
                    if (e.getType() == EntryType.EntryConfChange) {
                      n.applyConfChange(ConfChange.parseFrom(e.getData())); // queued, not awaited
                    }
                    committed.add(e);
                  }
                  n.advance();
                })
            .start(List.of(new Peer(1)));
    await(() -> node.status().join().applied() >= 1);
    node.campaign().get(5, TimeUnit.SECONDS);
    node.propose(bytes("a"), System.nanoTime() + TimeUnit.SECONDS.toNanos(5))
        .get(5, TimeUnit.SECONDS);
    await(() -> committed.stream().anyMatch(e -> e.getData().equals(bytes("a"))));
    assertThat(handlerThreads).allMatch(t -> t.getName().equals("raft-node-test"));
    assertThatThrownBy(() -> node.pollReady(1, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalStateException.class);
  }

  private static ThreadFactory gated(CountDownLatch release) {
    return r ->
        THREADS.newThread(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              r.run();
            });
  }

  /** TestNodeReadIndex. */
  @Test
  void readIndexDeliversReadState() throws Exception {
    startSingle(new MemoryStorage());
    node.campaign().get(5, TimeUnit.SECONDS);
    await(() -> node.status().join().softState().raftState() == StateType.StateLeader);
    node.readIndex(bytes("ctx")).get(5, TimeUnit.SECONDS);
    await(() -> !readStates.isEmpty());
    assertThat(readStates.get(0).requestCtx()).isEqualTo(bytes("ctx"));
  }

  /** TestNodeStep: local message types are ignored; others reach raft. */
  @Test
  void stepIgnoresLocalMessages() throws Exception {
    startSingle(new MemoryStorage());
    node.step(Message.newBuilder().setType(MessageType.MsgHup).build()).get(5, TimeUnit.SECONDS);
    assertThat(node.status().get(5, TimeUnit.SECONDS).softState().raftState())
        .isEqualTo(StateType.StateFollower);
    // A message with a higher term from a peer is stepped.
    node.step(
            Message.newBuilder()
                .setType(MessageType.MsgHeartbeat)
                .setFrom(2)
                .setTo(1)
                .setTerm(5)
                .build())
        .get(5, TimeUnit.SECONDS);
    assertThat(node.status().get(5, TimeUnit.SECONDS).hardState().getTerm()).isEqualTo(5);
  }

  /** TestNodeTick: ticks advance the election timer; a campaign follows. */
  @Test
  void ticksTriggerElection() throws Exception {
    startSingle(new MemoryStorage());
    for (int i = 0; i < 25; i++) {
      node.tick();
    }
    await(() -> node.status().join().softState().raftState() == StateType.StateLeader);
  }

  /** Ticks beyond the queue capacity are dropped with a warning, never blocking the caller. */
  @Test
  void ticksAreDroppedWhenLoopIsBehind() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger warnings = new AtomicInteger();
    Logger counting =
        new Logger() {
          @Override
          public void debug(String format, Object... args) {}

          @Override
          public void info(String format, Object... args) {}

          @Override
          public void warn(String format, Object... args) {
            if (format.contains("A tick missed to fire")) {
              warnings.incrementAndGet();
            }
          }

          @Override
          public void error(String format, Object... args) {}
        };
    ThreadFactory gated = gated(release);
    node =
        Node.restart(
            config(1, 10, 1, new MemoryStorage()).peers(1).logger(counting).build(), gated);
    for (int i = 0; i < Node.MAX_PENDING_TICKS + 10; i++) {
      node.tick();
    }
    assertThat(warnings.get()).isEqualTo(10);
    release.countDown();
  }

  /** TestNodeStop: stop is idempotent and fails later calls. */
  @Test
  void stopIsIdempotentAndFailsLaterCalls() throws Exception {
    startSingle(new MemoryStorage());
    node.stop();
    node.stop();
    assertThatThrownBy(() -> node.propose(bytes("x")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoppedException.class);
    assertThatThrownBy(() -> node.status().get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoppedException.class);
    assertThatThrownBy(() -> node.pollReady(1, TimeUnit.MILLISECONDS))
        .isInstanceOf(StoppedException.class)
        .hasMessage("raft: stopped");
    node.tick();
    node.advance();
  }

  /** TestNodeRestart. */
  @Test
  void restartReplaysCommittedEntries() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.setHardState(io.etcdj.proto.raftpb.HardState.newBuilder().setTerm(1).setCommit(1).build());
    s.append(List.of(RaftTestUtil.entry(1, 1), RaftTestUtil.entry(1, 2, "foo")));
    node = Node.restart(config(1, 10, 1, s).peers(1).build(), THREADS);
    Ready rd = node.pollReady(5, TimeUnit.SECONDS);
    assertThat(rd.committedEntries()).containsExactly(RaftTestUtil.entry(1, 1));
    node.advance();
    assertThat(node.pollReady(50, TimeUnit.MILLISECONDS)).isNull();
  }

  /** TestNodeProposeConfig, and proposals stop once the node removed itself. */
  @Test
  void confChangeRoundTripAndSelfRemoval() throws Exception {
    startSingle(new MemoryStorage());
    node.campaign().get(5, TimeUnit.SECONDS);
    await(() -> node.status().join().softState().raftState() == StateType.StateLeader);
    node.proposeConfChange(
            ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build())
        .get(5, TimeUnit.SECONDS);
    await(() -> node.status().join().config().voters.incoming().contains(2));
    ConfState cs =
        node.applyConfChange(
                ConfChange.newBuilder()
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .setNodeId(1)
                    .build())
            .get(5, TimeUnit.SECONDS);
    assertThat(cs.getVotersList()).containsExactly(2L);
    assertThatThrownBy(
            () ->
                node.step(
                        Message.newBuilder()
                            .setType(MessageType.MsgProp)
                            .addEntries(Entry.newBuilder().setData(bytes("x")))
                            .build())
                    .get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ProposalDroppedException.class);
  }
}
