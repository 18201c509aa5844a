package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeTransition;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Ready contract of {@link RawNode} (etcd {@code rawnode_test.go}). */
class RawNodeTest {

  /** Persists a Ready like the server would: snapshot, entries, hard state. */
  static void persist(Ready rd, MemoryStorage s) throws Exception {
    if (!RaftUtil.isEmptySnap(rd.snapshot())) {
      s.applySnapshot(rd.snapshot());
    }
    s.append(rd.entries());
    if (!RaftUtil.isEmptyHardState(rd.hardState())) {
      s.setHardState(rd.hardState());
    }
  }

  /** Applies the committed conf changes of a Ready; returns the last resulting ConfState. */
  static ConfState applyConfChanges(RawNode rn, Ready rd) throws InvalidProtocolBufferException {
    ConfState cs = null;
    for (Entry e : rd.committedEntries()) {
      if (e.getType() == EntryType.EntryConfChange) {
        cs = rn.applyConfChange(ConfChange.parseFrom(e.getData()));
      } else if (e.getType() == EntryType.EntryConfChangeV2) {
        cs = rn.applyConfChange(ConfChangeV2.parseFrom(e.getData()));
      }
    }
    return cs;
  }

  /** Handles every pending Ready of a single-node cluster. */
  static List<Ready> drain(RawNode rn, MemoryStorage s) throws Exception {
    List<Ready> out = new ArrayList<>();
    while (rn.hasReady()) {
      Ready rd = rn.ready();
      persist(rd, s);
      applyConfChanges(rn, rd);
      rn.advance(rd);
      out.add(rd);
    }
    return out;
  }

  private static RawNode newSingle(MemoryStorage s) throws Exception {
    RawNode rn = new RawNode(config(1, 10, 1, s).build());
    rn.bootstrap(List.of(new Peer(1)));
    return rn;
  }

  /** A bootstrapped one-voter node that has campaigned and won, its Readies all handled. */
  private static RawNode newSingleLeader(MemoryStorage s) throws Exception {
    RawNode rn = newSingle(s);
    drain(rn, s);
    rn.campaign();
    drain(rn, s);
    return rn;
  }

  /** TestRawNodeStart. */
  @Test
  void bootstrapCampaignProposeProducesExpectedReadies() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingle(s);
    Ready first = rn.ready();
    // The bootstrap conf change is persisted and applied like any entry.
    assertThat(first.entries()).hasSize(1);
    assertThat(first.entries().get(0).getType()).isEqualTo(EntryType.EntryConfChange);
    assertThat(first.committedEntries()).isEqualTo(first.entries());
    assertThat(first.hardState()).isEqualTo(hs(1, 0, 1));
    assertThat(first.mustSync()).isTrue();
    persist(first, s);
    applyConfChanges(rn, first);
    rn.advance(first);
    assertThat(rn.hasReady()).isFalse();

    rn.campaign();
    rn.propose(bytes("foo"));
    assertThat(rn.hasReady()).isTrue();
    Ready rd = rn.ready();
    persist(rd, s);
    rn.advance(rd);
    assertThat(rd.softState()).isEqualTo(new SoftState(1, StateType.StateLeader));
    assertThat(rd.hardState()).isEqualTo(hs(2, 1, 3));
    assertThat(rd.entries()).extracting(Entry::getIndex).containsExactly(2L, 3L);
    assertThat(rd.committedEntries()).isEqualTo(rd.entries());
    assertThat(rd.committedEntries().get(1).getData()).isEqualTo(bytes("foo"));
    assertThat(rd.mustSync()).isTrue();
    assertThat(rn.hasReady()).isFalse();
  }

  private static HardState hs(long term, long vote, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
  }

  /** TestRawNodeStep: local message types are refused from the outside. */
  @Test
  void stepRejectsLocalMessagesAndUnknownResponders() throws Exception {
    RawNode rn = newSingle(new MemoryStorage());
    for (MessageType t :
        List.of(
            MessageType.MsgHup,
            MessageType.MsgBeat,
            MessageType.MsgUnreachable,
            MessageType.MsgSnapStatus,
            MessageType.MsgCheckQuorum)) {
      assertThatThrownBy(() -> rn.step(Message.newBuilder().setType(t).build()))
          .isInstanceOf(StepLocalMsgException.class)
          .hasMessage("raft: cannot step raft local message");
    }
    assertThatThrownBy(
            () ->
                rn.step(
                    Message.newBuilder()
                        .setType(MessageType.MsgAppResp)
                        .setFrom(9)
                        .setTerm(1)
                        .build()))
        .isInstanceOf(StepPeerNotFoundException.class)
        .hasMessage("raft: cannot step as peer not found");
  }

  /** TestRawNodeProposeAndConfChange (v1). */
  @Test
  void v1ConfChangeIsCommittedAndApplied() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingleLeader(s);
    rn.propose(bytes("somedata"));
    ConfChange cc =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build();
    rn.proposeConfChange(cc);
    drain(rn, s);
    assertThat(rn.status().config().voters.incoming().slice()).containsExactly(1L, 2L);
    assertThat(s.lastIndex()).isEqualTo(4);
  }

  /** TestRawNodeProposeAndConfChange: joint config with automatic leave. */
  @Test
  void jointConfigIsLeftAutomatically() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingleLeader(s);
    ConfChangeV2 cc =
        ConfChangeV2.newBuilder()
            .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, 2))
            .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, 3))
            .build();
    // Learners only, so the single voter can commit on its own while joint.
    rn.proposeConfChange(cc);
    // First Ready: the change is committed and applied (entering joint); advance proposes the
    // leave-joint entry, which the next Ready commits.
    Ready rd = rn.ready();
    persist(rd, s);
    ConfState cs = applyConfChanges(rn, rd);
    assertThat(cs.getVotersList()).containsExactly(1L);
    assertThat(cs.getVotersOutgoingList()).containsExactly(1L);
    assertThat(cs.getLearnersList()).containsExactly(2L, 3L);
    assertThat(cs.getAutoLeave()).isTrue();
    rn.advance(rd);
    List<Ready> rest = drain(rn, s);
    Entry leave = rest.get(0).entries().get(0);
    assertThat(leave.getType()).isEqualTo(EntryType.EntryConfChangeV2);
    assertThat(ConfChangeV2.parseFrom(leave.getData()).getChangesCount()).isZero();
    assertThat(rn.status().config().voters.isJoint()).isFalse();
    assertThat(rn.status().config().toString()).isEqualTo("voters=(1) learners=(2 3)");
  }

  /** Explicit joint transitions wait for an explicit empty change. */
  @Test
  void explicitJointConfigNeedsEmptyChangeToLeave() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingleLeader(s);
    rn.proposeConfChange(
        ConfChangeV2.newBuilder()
            .setTransition(ConfChangeTransition.ConfChangeTransitionJointExplicit)
            .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, 2))
            .build());
    drain(rn, s);
    assertThat(rn.status().config().voters.isJoint()).isTrue();
    assertThat(rn.status().config().autoLeave).isFalse();
    // A non-empty change while joint is refused (replaced by an empty normal entry).
    rn.proposeConfChange(
        ConfChangeV2.newBuilder().addChanges(single(ConfChangeType.ConfChangeAddNode, 3)).build());
    drain(rn, s);
    assertThat(rn.status().config().voters.isJoint()).isTrue();
    rn.proposeConfChange(ConfChangeV2.getDefaultInstance());
    drain(rn, s);
    assertThat(rn.status().config().voters.isJoint()).isFalse();
    assertThat(rn.status().config().learners.slice()).containsExactly(2L);
  }

  private static ConfChangeSingle single(ConfChangeType t, long id) {
    return ConfChangeSingle.newBuilder().setType(t).setNodeId(id).build();
  }

  /** TestRawNodeProposeAddDuplicateNode. */
  @Test
  void duplicateAddNodeIsHarmless() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingleLeader(s);
    ConfChange cc =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(1).build();
    rn.proposeConfChange(cc);
    drain(rn, s);
    rn.proposeConfChange(cc);
    drain(rn, s);
    assertThat(rn.status().config().voters.incoming().slice()).containsExactly(1L);
  }

  /** TestRawNodeReadIndex. */
  @Test
  void readIndexAnswerArrivesInReady() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingleLeader(s);
    rn.readIndex(bytes("somedata"));
    assertThat(rn.hasReady()).isTrue();
    Ready rd = rn.ready();
    assertThat(rd.readStates()).containsExactly(new ReadState(2, bytes("somedata")));
    rn.advance(rd);
    assertThat(rn.hasReady()).isFalse();
  }

  /** TestRawNodeRestart. */
  @Test
  void restartReturnsUnappliedCommittedEntriesOnly() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.setHardState(hs(1, 0, 1));
    s.append(List.of(RaftTestUtil.entry(1, 1), RaftTestUtil.entry(1, 2, "foo")));
    RawNode rn = new RawNode(config(1, 10, 1, s).peers(1).build());
    Ready rd = rn.ready();
    assertThat(rd.hardState()).isEqualTo(HardState.getDefaultInstance());
    assertThat(rd.entries()).isEmpty();
    assertThat(rd.committedEntries()).containsExactly(RaftTestUtil.entry(1, 1));
    assertThat(rd.mustSync()).isFalse();
    rn.advance(rd);
    assertThat(rn.hasReady()).isFalse();
  }

  /** TestRawNodeRestartFromSnapshot. */
  @Test
  void restartFromSnapshotStartsAfterIt() throws Exception {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(
        MemoryStorageTest.snap(2, 1, ConfState.newBuilder().addVoters(1).addVoters(2).build()));
    s.setHardState(hs(1, 0, 3));
    s.append(List.of(RaftTestUtil.entry(1, 3, "foo")));
    RawNode rn = new RawNode(config(1, 10, 1, s).build());
    Ready rd = rn.ready();
    assertThat(rd.committedEntries()).containsExactly(RaftTestUtil.entry(1, 3, "foo"));
    rn.advance(rd);
    assertThat(rn.hasReady()).isFalse();
  }

  /** TestRawNodeStatus. */
  @Test
  void statusHasProgressOnlyOnLeader() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = newSingle(s);
    drain(rn, s);
    assertThat(rn.status().progress()).isEmpty();
    rn.campaign();
    drain(rn, s);
    Status st = rn.status();
    assertThat(st.softState().lead()).isEqualTo(1);
    assertThat(st.softState().raftState()).isEqualTo(StateType.StateLeader);
    assertThat(st.progress()).containsKey(1L);
    assertThat(st.progress().get(1L).match()).isEqualTo(2);
    assertThat(st.toJson())
        .isEqualTo(
            "{\"id\":\"1\",\"term\":2,\"vote\":\"1\",\"commit\":2,\"lead\":\"1\","
                + "\"raftState\":\"StateLeader\",\"applied\":2,\"progress\":{\"1\":"
                + "{\"match\":2,\"next\":3,\"state\":\"StateReplicate\"}},\"leadtransferee\":\"0\"}");
    // The status is an immutable snapshot.
    assertThatThrownBy(() -> st.progress().put(1L, null))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /**
   * TestCommitPagination, then TestRawNodeCommitPaginationAfterRestart's point: a node that
   * persisted a commit index but crashed before applying everything is rebuilt from its storage,
   * and the restarted RawNode hands out the rest, still paginated by MaxCommittedSizePerReady, from
   * exactly the first unapplied index (no gap, nothing twice).
   */
  @Test
  void committedEntriesArePaginatedAcrossARestart() throws Exception {
    MemoryStorage s = new MemoryStorage();
    long pageBytes = 2048;
    RawNode rn = new RawNode(config(1, 10, 1, s).maxCommittedSizePerReady(pageBytes).build());
    rn.bootstrap(List.of(new Peer(1)));
    drain(rn, s);
    rn.campaign();
    drain(rn, s);
    long before = s.lastIndex();
    byte[] blob = new byte[1000];
    for (int i = 0; i < 5; i++) {
      rn.propose(blob);
    }
    Ready rd = rn.ready();
    persist(rd, s);
    // All five are committed (and the HardState saying so is persisted) but two fit one Ready.
    assertThat(rd.entries()).hasSize(5);
    assertThat(s.initialState().hardState().getCommit()).isEqualTo(before + 5);
    assertThat(rd.committedEntries())
        .extracting(Entry::getIndex)
        .containsExactly(before + 1, before + 2);
    long applied = before + 2;
    rn.advance(rd);
    // Crash here: the RawNode is gone; the storage survives, the state machine applied `applied`.

    RawNode restarted =
        new RawNode(
            config(1, 10, 1, s).applied(applied).maxCommittedSizePerReady(pageBytes).build());
    List<Long> pages = new ArrayList<>();
    long next = applied + 1;
    while (restarted.hasReady()) {
      Ready r = restarted.ready();
      persist(r, s);
      List<Entry> ce = r.committedEntries();
      if (!ce.isEmpty()) {
        assertThat(ce.get(0).getIndex()).as("no gap after a restart").isEqualTo(next);
        long bytes = ce.stream().mapToLong(Entry::getSerializedSize).sum();
        assertThat(ce.size() == 1 || bytes <= pageBytes)
            .as("a page of %d entries, %d bytes, exceeds the limit", ce.size(), bytes)
            .isTrue();
        next = ce.get(ce.size() - 1).getIndex() + 1;
        pages.add((long) ce.size());
      }
      restarted.advance(r);
    }
    assertThat(next).isEqualTo(before + 6);
    assertThat(pages).containsExactly(2L, 1L);
  }

  /**
   * TestRawNodeCommitPaginationAfterRestart: a storage that ignores the size hint returned more
   * than the page (which is how commit reached 10). After the restart, raft must still apply 1..11
   * without skipping the entry its own slicing would have cut off.
   */
  @Test
  void restartWithStorageIgnoringSizeHintLeavesNoApplyGap() throws Exception {
    MemoryStorage mem = new MemoryStorage();
    List<Entry> ents = new ArrayList<>();
    long size = 0;
    for (long i = 1; i <= 10; i++) {
      Entry e = RaftTestUtil.entry(1, i, "a");
      ents.add(e);
      size += e.getSerializedSize();
    }
    long maxSize = size - ents.get(9).getSerializedSize() - 1;
    ents.add(RaftTestUtil.entry(1, 11, "boom"));
    mem.append(ents);
    mem.setHardState(hs(1, 1, 10));
    Storage ignoresHint =
        new Storage() {
          @Override
          public InitialState initialState() throws StorageException {
            return mem.initialState();
          }

          @Override
          public List<Entry> entries(long lo, long hi, long ignored) throws StorageException {
            return mem.entries(lo, hi, Long.MAX_VALUE);
          }

          @Override
          public long term(long i) throws StorageException {
            return mem.term(i);
          }

          @Override
          public long lastIndex() {
            return mem.lastIndex();
          }

          @Override
          public long firstIndex() {
            return mem.firstIndex();
          }

          @Override
          public io.etcdj.proto.raftpb.Snapshot snapshot() {
            return mem.snapshot();
          }
        };
    RawNode rn =
        new RawNode(
            config(1, 10, 1, ignoresHint).peers(1).maxCommittedSizePerReady(maxSize).build());
    long highestApplied = 0;
    while (highestApplied != 11) {
      Ready rd = rn.ready();
      List<Entry> ce = rd.committedEntries();
      assertThat(ce).as("stopped applying entries at index %d", highestApplied).isNotEmpty();
      if (highestApplied != 0) {
        assertThat(ce.get(0).getIndex()).isEqualTo(highestApplied + 1);
      }
      highestApplied = ce.get(ce.size() - 1).getIndex();
      rn.advance(rd);
      // A heartbeat from "ourselves" (illegal, as in the Go test) raises the commit to 11.
      rn.step(
          Message.newBuilder()
              .setType(MessageType.MsgHeartbeat)
              .setFrom(1)
              .setTo(1)
              .setTerm(1)
              .setCommit(11)
              .build());
    }
  }

  /** TestRawNodeBoundedLogGrowthWithPartition. */
  @Test
  void uncommittedLogIsBoundedWhilePartitioned() throws Exception {
    int maxEntries = 16;
    byte[] data = "testdata".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    MemoryStorage s = new MemoryStorage();
    RawNode rn =
        new RawNode(
            config(1, 10, 1, s)
                .peers(1, 2)
                .maxUncommittedEntriesSize((long) maxEntries * data.length)
                .build());
    rn.campaign();
    rn.raft().becomeLeader();
    drain(rn, s);
    for (int i = 0; i < 1024; i++) {
      try {
        rn.propose(data);
      } catch (ProposalDroppedException e) {
        // expected once the limit is hit
      }
    }
    assertThat(rn.raft().uncommittedSize).isEqualTo((long) maxEntries * data.length);
    // Heal: node 2 acknowledges everything; committing releases the accounting.
    Ready rd = rn.ready();
    persist(rd, s);
    rn.advance(rd);
    rn.step(
        Message.newBuilder()
            .setFrom(2)
            .setTo(1)
            .setType(MessageType.MsgAppResp)
            .setTerm(rn.hardState().getTerm())
            .setIndex(s.lastIndex())
            .build());
    drain(rn, s);
    assertThat(rn.raft().uncommittedSize).isZero();
  }

  /** TestReadyContainUpdates / TestIsHardStateEqual. */
  @Test
  void readyUpdatesAndHelpers() {
    Ready empty =
        new Ready(
            null,
            HardState.getDefaultInstance(),
            List.of(),
            List.of(),
            io.etcdj.proto.raftpb.Snapshot.getDefaultInstance(),
            List.of(),
            List.of(),
            false);
    assertThat(empty.containsUpdates()).isFalse();
    Ready withSoft =
        new Ready(
            new SoftState(1, StateType.StateLeader),
            HardState.getDefaultInstance(),
            List.of(),
            List.of(),
            io.etcdj.proto.raftpb.Snapshot.getDefaultInstance(),
            List.of(),
            List.of(),
            false);
    assertThat(withSoft.containsUpdates()).isTrue();
    assertThat(RaftUtil.isHardStateEqual(hs(1, 1, 1), hs(1, 1, 1))).isTrue();
    assertThat(RaftUtil.isHardStateEqual(hs(1, 2, 1), hs(1, 1, 1))).isFalse();
    assertThat(RaftUtil.mustSync(hs(1, 0, 2), hs(1, 0, 1), 0)).isFalse();
    assertThat(RaftUtil.mustSync(hs(2, 0, 1), hs(1, 0, 1), 0)).isTrue();
    assertThat(new SoftState(1, StateType.StateLeader))
        .isEqualTo(new SoftState(1, StateType.StateLeader));
  }

  @Test
  void describeMessageMatchesEtcdFormat() {
    Message m =
        Message.newBuilder()
            .setFrom(1)
            .setTo(0xa)
            .setType(MessageType.MsgApp)
            .setTerm(3)
            .setLogTerm(2)
            .setIndex(10)
            .setCommit(9)
            .addEntries(RaftTestUtil.entry(3, 11, "x"))
            .build();
    assertThat(RaftUtil.describeMessage(m))
        .isEqualTo("1->a MsgApp Term:3 Log:2/10 Commit:9 Entries:[3/11 EntryNormal \"x\"]");
    Message rej = m.toBuilder().clearEntries().setReject(true).setRejectHint(7).build();
    assertThat(RaftUtil.describeMessage(rej))
        .isEqualTo("1->a MsgApp Term:3 Log:2/10 Rejected (Hint: 7) Commit:9");
    assertThat(RaftUtil.isLocalMsg(MessageType.MsgHup)).isTrue();
    assertThat(RaftUtil.isResponseMsg(MessageType.MsgAppResp)).isTrue();
    assertThat(RaftUtil.isResponseMsg(MessageType.MsgApp)).isFalse();
  }

  @Test
  void configValidationUsesEtcdMessages() {
    MemoryStorage s = new MemoryStorage();
    assertThatThrownBy(() -> config(0, 10, 1, s).build()).hasMessage("cannot use none as id");
    assertThatThrownBy(() -> config(1, 10, 0, s).build())
        .hasMessage("heartbeat tick must be greater than 0");
    assertThatThrownBy(() -> config(1, 1, 1, s).build())
        .hasMessage("election tick must be greater than heartbeat tick");
    assertThatThrownBy(() -> config(1, 10, 1, null).build()).hasMessage("storage cannot be nil");
    assertThatThrownBy(() -> config(1, 10, 1, s).maxInflightMsgs(0).build())
        .hasMessage("max inflight messages must be greater than 0");
    assertThatThrownBy(
            () -> config(1, 10, 1, s).readOnlyOption(ReadOnlyOption.ReadOnlyLeaseBased).build())
        .hasMessage("CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
  }
}
