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

  /** TestBlockProposal (non-blocking form): without a leader the proposal is dropped. */
  @Test
  void proposalWithoutLeaderIsDropped() throws Exception {
    MemoryStorage s = new MemoryStorage();
    node =
        Node.start(
            config(1, 10, 1, s).build(), List.of(new Peer(1), new Peer(2), new Peer(3)), THREADS);
    startConsumer(s);
    assertThatThrownBy(() -> node.propose(bytes("x")).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ProposalDroppedException.class);
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
    ThreadFactory gated =
        r ->
            THREADS.newThread(
                () -> {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  r.run();
                });
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
