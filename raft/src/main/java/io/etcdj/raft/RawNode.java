package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A raft node without threads (etcd {@code raft/rawnode.go}): the caller feeds it ticks, messages
 * and proposals, and drains {@link #ready()} / {@link #advance} following the {@link Ready}
 * contract. This is what the etcdserver raft loop (or {@link Node}) drives.
 *
 * <p>Not thread-safe: all calls must come from the one thread that owns it.
 */
public final class RawNode {
  private final Raft raft;
  private SoftState prevSoftSt;
  private HardState prevHardSt;

  public RawNode(Config config) {
    this.raft = new Raft(config);
    this.prevSoftSt = raft.softState();
    this.prevHardSt = raft.hardState();
  }

  /** The raft core; for tests and {@link Node} in this package. */
  Raft raft() {
    return raft;
  }

  /**
   * Sets up a brand-new cluster member whose storage is empty: appends one committed ConfChange
   * entry per peer and applies them, as etcd {@code Bootstrap} does. The entries are handed out in
   * the next Ready for persistence.
   */
  public void bootstrap(List<Peer> peers) throws StorageException {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("must provide at least one peer to Bootstrap");
    }
    if (raft.raftLog.storage.lastIndex() != 0) {
      throw new IllegalStateException("can't bootstrap a nonempty Storage");
    }
    // Start from an empty previous HardState so the bootstrap state is emitted in the next Ready.
    prevHardSt = HardState.getDefaultInstance();
    raft.becomeFollower(1, RaftUtil.NONE);
    List<Entry> ents = new ArrayList<>(peers.size());
    for (int i = 0; i < peers.size(); i++) {
      Peer p = peers.get(i);
      ConfChange cc =
          ConfChange.newBuilder()
              .setType(ConfChangeType.ConfChangeAddNode)
              .setNodeId(p.id())
              .setContext(p.context())
              .build();
      ents.add(
          Entry.newBuilder()
              .setType(EntryType.EntryConfChange)
              .setTerm(1)
              .setIndex(i + 1)
              .setData(cc.toByteString())
              .build());
    }
    raft.raftLog.append(ents);
    // The entries are committed by definition, but left unapplied so the application sees them
    // and learns the membership (applying them again below is idempotent).
    raft.raftLog.committed = ents.size();
    for (Peer p : peers) {
      raft.applyConfChange(
          RaftUtil.asV2(
              ConfChange.newBuilder()
                  .setNodeId(p.id())
                  .setType(ConfChangeType.ConfChangeAddNode)
                  .build()));
    }
  }

  /** Advances logical time by one tick. */
  public void tick() {
    raft.tick();
  }

  /**
   * Advances only the election timer, for a quiesced group that skips heartbeats; the caller must
   * make sure the leader is alive, or an election will never start.
   */
  public void tickQuiesced() {
    raft.electionElapsed++;
  }

  /** Starts an election (pre-vote first if configured). */
  public void campaign() {
    try {
      raft.step(Message.newBuilder().setType(MessageType.MsgHup).build());
    } catch (ProposalDroppedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Proposes data to be appended to the log. */
  public void propose(ByteString data) throws ProposalDroppedException {
    raft.step(
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .setFrom(raft.id)
            .addEntries(Entry.newBuilder().setData(data))
            .build());
  }

  public void propose(byte[] data) throws ProposalDroppedException {
    propose(ByteString.copyFrom(data));
  }

  /** Proposes a v1 configuration change (an {@code EntryConfChange} entry). */
  public void proposeConfChange(ConfChange cc) throws ProposalDroppedException {
    raft.step(confChangeToMsg(EntryType.EntryConfChange, cc.toByteString()));
  }

  /** Proposes a V2 configuration change (an {@code EntryConfChangeV2} entry). */
  public void proposeConfChange(ConfChangeV2 cc) throws ProposalDroppedException {
    raft.step(confChangeToMsg(EntryType.EntryConfChangeV2, cc.toByteString()));
  }

  static Message confChangeToMsg(EntryType type, ByteString data) {
    return Message.newBuilder()
        .setType(MessageType.MsgProp)
        .addEntries(Entry.newBuilder().setType(type).setData(data))
        .build();
  }

  /**
   * Applies a committed v1 configuration change; must be called for every conf-change entry the
   * application applies. Returns the new ConfState (to store in the next snapshot).
   */
  public ConfState applyConfChange(ConfChange cc) {
    return raft.applyConfChange(RaftUtil.asV2(cc));
  }

  /** Applies a committed V2 configuration change. */
  public ConfState applyConfChange(ConfChangeV2 cc) {
    return raft.applyConfChange(cc);
  }

  /**
   * Steps a message received from a peer.
   *
   * @throws StepLocalMsgException if the type is one only raft itself creates
   * @throws StepPeerNotFoundException if a response comes from a non-member
   * @throws ProposalDroppedException if a forwarded proposal is dropped
   */
  public void step(Message m) throws RaftException {
    if (RaftUtil.isLocalMsg(m.getType())) {
      throw new StepLocalMsgException();
    }
    if (raft.prs.progress.get(m.getFrom()) != null || !RaftUtil.isResponseMsg(m.getType())) {
      raft.step(m);
      return;
    }
    throw new StepPeerNotFoundException();
  }

  /** The pending work; the caller must handle it and then call {@link #advance}. */
  public Ready ready() {
    Ready rd = readyWithoutAccept();
    acceptReady(rd);
    return rd;
  }

  Ready readyWithoutAccept() {
    SoftState ss = raft.softState();
    HardState hs = raft.hardState();
    Snapshot snap =
        raft.raftLog.unstable.snapshot != null
            ? raft.raftLog.unstable.snapshot
            : Snapshot.getDefaultInstance();
    List<Entry> entries = raft.raftLog.unstableEntries();
    return new Ready(
        ss.equals(prevSoftSt) ? null : ss,
        RaftUtil.isHardStateEqual(hs, prevHardSt) ? HardState.getDefaultInstance() : hs,
        raft.readStates,
        entries,
        snap,
        raft.raftLog.nextEnts(),
        raft.msgs,
        RaftUtil.mustSync(hs, prevHardSt, entries.size()));
  }

  /** Records that a Ready was handed out: its messages and read states are no longer pending. */
  void acceptReady(Ready rd) {
    if (rd.softState() != null) {
      prevSoftSt = rd.softState();
    }
    if (!rd.readStates().isEmpty()) {
      raft.readStates = new ArrayList<>();
    }
    raft.msgs = new ArrayList<>();
  }

  /**
   * Whether {@link #ready()} would return anything. Allocation-free (it compares raft's fields with
   * the last handed-out soft and hard state instead of building new ones), because a loop calls it
   * after every input.
   */
  public boolean hasReady() {
    if (raft.lead != prevSoftSt.lead() || raft.state != prevSoftSt.raftState()) {
      return true;
    }
    long commit = raft.raftLog.committed;
    boolean emptyHs = raft.term == 0 && raft.vote == RaftUtil.NONE && commit == 0;
    if (!emptyHs
        && (raft.term != prevHardSt.getTerm()
            || raft.vote != prevHardSt.getVote()
            || commit != prevHardSt.getCommit())) {
      return true;
    }
    Snapshot s = raft.raftLog.unstable.snapshot;
    if (s != null && !RaftUtil.isEmptySnap(s)) {
      return true;
    }
    if (!raft.msgs.isEmpty()
        || !raft.raftLog.unstableEntries().isEmpty()
        || raft.raftLog.hasNextEnts()) {
      return true;
    }
    return !raft.readStates.isEmpty();
  }

  /**
   * Tells raft the last Ready has been persisted and applied: marks entries stable and applied, and
   * (on a leader in an auto-leave joint config) may propose leaving it.
   */
  public void advance(Ready rd) {
    if (!RaftUtil.isEmptyHardState(rd.hardState())) {
      prevHardSt = rd.hardState();
    }
    raft.advance(rd);
  }

  public Status status() {
    return Status.of(raft);
  }

  /** Leader, role, term/vote/commit and applied index without copying the progress map. */
  public SoftState softState() {
    return raft.softState();
  }

  public HardState hardState() {
    return raft.hardState();
  }

  /** Tells the leader a message to {@code id} could not be delivered. */
  public void reportUnreachable(long id) {
    stepLocal(Message.newBuilder().setType(MessageType.MsgUnreachable).setFrom(id).build());
  }

  /** Tells the leader how sending a snapshot to {@code id} ended. */
  public void reportSnapshot(long id, SnapshotStatus status) {
    stepLocal(
        Message.newBuilder()
            .setType(MessageType.MsgSnapStatus)
            .setFrom(id)
            .setReject(status == SnapshotStatus.SnapshotFailure)
            .build());
  }

  /** Asks the leader to hand leadership to {@code transferee}. */
  public void transferLeader(long transferee) {
    stepLocal(
        Message.newBuilder().setType(MessageType.MsgTransferLeader).setFrom(transferee).build());
  }

  /**
   * Requests a read index; the answer arrives as a {@link ReadState} with the same {@code rctx} in
   * a later Ready (nothing arrives if leadership is lost meanwhile).
   */
  public void readIndex(ByteString rctx) {
    stepLocal(
        Message.newBuilder()
            .setType(MessageType.MsgReadIndex)
            .addEntries(Entry.newBuilder().setData(rctx))
            .build());
  }

  private void stepLocal(Message m) {
    try {
      raft.step(m);
    } catch (ProposalDroppedException e) {
      // Only proposals are dropped; these messages are not proposals.
      throw new IllegalStateException(e);
    }
  }
}
