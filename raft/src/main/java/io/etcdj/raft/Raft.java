package io.etcdj.raft;

import static io.etcdj.raft.RaftUtil.NONE;
import static io.etcdj.raft.RaftUtil.NO_LIMIT;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.raft.confchange.Changer;
import io.etcdj.raft.confchange.ConfChangeException;
import io.etcdj.raft.confchange.Restore;
import io.etcdj.raft.quorum.VoteResult;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;
import io.etcdj.raft.tracker.ProgressTracker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The raft state machine (etcd {@code raft/raft.go}): it consumes messages and ticks and produces
 * messages, log entries to persist, and committed entries to apply, all collected for {@link
 * RawNode#ready()}. It has no threads, clocks or I/O; time is the number of {@link #tick()} calls,
 * randomness comes from the injected {@link Random}.
 *
 * <p>Kept as one class, like {@code raft.go}, so it can be read side by side with the Go; the
 * leader's message cases are split into {@code handle*} methods. Broken invariants throw {@link
 * IllegalStateException} with etcd's panic text.
 *
 * <p>Not thread-safe; owned by one thread (the raft loop).
 */
final class Raft {
  /** Why a campaign starts; a transfer campaign may bypass leader leases. */
  enum CampaignType {
    PRE_ELECTION("CampaignPreElection"),
    ELECTION("CampaignElection"),
    TRANSFER("CampaignTransfer");

    final String wire;

    CampaignType(String wire) {
      this.wire = wire;
    }
  }

  private static final ByteString TRANSFER_CONTEXT =
      ByteString.copyFrom(CampaignType.TRANSFER.wire, StandardCharsets.UTF_8);

  final long id;
  long term;
  long vote;

  List<ReadState> readStates = new ArrayList<>();

  final RaftLog raftLog;

  private final long maxMsgSize;
  private final long maxUncommittedSize;
  ProgressTracker prs;

  StateType state = StateType.StateFollower;

  /** This node is a learner in the current configuration. */
  boolean isLearner;

  /** Messages waiting to be handed out in the next Ready. */
  List<Message> msgs = new ArrayList<>();

  long lead = NONE;

  /** Target of an ongoing leadership transfer, or NONE. */
  long leadTransferee = NONE;

  /**
   * Only one conf change may be pending (in the log but not applied) at a time; this is the index
   * of the latest one. A leader sets it to its last index on election, conservatively.
   */
  long pendingConfIndex;

  /** Payload bytes of uncommitted entries in the leader's log (only tracked on leaders). */
  long uncommittedSize;

  ReadOnly readOnly;

  /**
   * Ticks since the last election timeout reset: for leaders and candidates since they became so;
   * for followers since they last heard from the current leader or granted a vote.
   */
  int electionElapsed;

  /** Ticks since the last heartbeat; leaders only. */
  int heartbeatElapsed;

  final boolean checkQuorum;

  /** Not final only so tests can model a rolling upgrade that enables pre-vote. */
  boolean preVote;

  final int heartbeatTimeout;
  final int electionTimeout;

  /** Random in {@code [electionTimeout, 2*electionTimeout)}, re-drawn on each role change. */
  int randomizedElectionTimeout;

  private final boolean disableProposalForwarding;
  private final Random random;
  final Logger logger;

  /** Read-index requests received before the leader committed an entry of its own term. */
  private List<Message> pendingReadIndexMessages = new ArrayList<>();

  Raft(Config c) {
    this.id = c.id;
    this.logger = c.logger;
    this.random = c.random;
    this.raftLog = new RaftLog(c.storage, c.logger, c.maxCommittedSizePerReady);
    Storage.InitialState is;
    try {
      is = c.storage.initialState();
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
    this.maxMsgSize = c.maxSizePerMsg;
    this.maxUncommittedSize = c.maxUncommittedEntriesSize;
    this.prs = new ProgressTracker(c.maxInflightMsgs);
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.readOnly = new ReadOnly(c.readOnlyOption);
    this.disableProposalForwarding = c.disableProposalForwarding;

    ConfState cs = is.confState();
    if (c.peers.length > 0 || c.learners.length > 0) {
      if (cs.getVotersCount() > 0 || cs.getLearnersCount() > 0) {
        throw new IllegalStateException(
            "cannot specify both newRaft(peers, learners) and ConfState.(Voters, Learners)");
      }
      ConfState.Builder b = ConfState.newBuilder();
      for (long p : c.peers) {
        b.addVoters(p);
      }
      for (long l : c.learners) {
        b.addLearners(l);
      }
      cs = b.build();
    }
    Changer.Result restored;
    try {
      restored = Restore.restore(prs, raftLog.lastIndex(), cs);
    } catch (ConfChangeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    assertConfStatesEquivalent(cs, switchToConfig(restored));

    HardState hs = is.hardState();
    if (!RaftUtil.isEmptyHardState(hs)) {
      loadState(hs);
    }
    if (c.applied > 0) {
      raftLog.appliedTo(c.applied);
    }
    becomeFollower(term, NONE);

    logger.info(
        "newRaft %x [peers: [%s], term: %d, commit: %d, applied: %d, lastindex: %d, lastterm: %d]",
        id,
        prs.voterNodes().stream().map(Long::toHexString).collect(Collectors.joining(",")),
        term,
        raftLog.committed,
        raftLog.applied,
        raftLog.lastIndex(),
        raftLog.lastTerm());
  }

  boolean hasLeader() {
    return lead != NONE;
  }

  SoftState softState() {
    return new SoftState(lead, state);
  }

  HardState hardState() {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(raftLog.committed).build();
  }

  /**
   * Queues a message. Vote messages carry their own term (a pre-vote is for a future term); all
   * others get the current term, except proposals and read-index requests, which are forwarded
   * as-is (term 0 marks them as local).
   */
  private void send(Message.Builder m) {
    m.setFrom(id);
    MessageType t = m.getType();
    if (t == MessageType.MsgVote
        || t == MessageType.MsgVoteResp
        || t == MessageType.MsgPreVote
        || t == MessageType.MsgPreVoteResp) {
      if (m.getTerm() == 0) {
        throw new IllegalStateException("term should be set when sending " + t);
      }
    } else {
      if (m.getTerm() != 0) {
        throw new IllegalStateException(
            String.format("term should not be set when sending %s (was %d)", t, m.getTerm()));
      }
      if (t != MessageType.MsgProp && t != MessageType.MsgReadIndex) {
        m.setTerm(term);
      }
    }
    msgs.add(m.build());
  }

  private void sendAppend(long to) {
    maybeSendAppend(to, true);
  }

  /**
   * Sends an append (or a snapshot if the needed entries are compacted) to {@code to}; returns
   * whether a message went out. With {@code sendIfEmpty} false, nothing is sent when there are no
   * new entries.
   */
  private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
    Progress pr = prs.progress.get(to);
    if (pr.isPaused()) {
      return false;
    }
    Message.Builder m = Message.newBuilder().setTo(to);

    long prevTerm = 0;
    List<Entry> ents = List.of();
    boolean unavailable = false;
    try {
      prevTerm = raftLog.term(pr.next - 1);
    } catch (StorageException e) {
      unavailable = true;
    }
    try {
      ents = raftLog.entries(pr.next, maxMsgSize);
    } catch (StorageException e) {
      unavailable = true;
    }
    if (ents.isEmpty() && !sendIfEmpty) {
      return false;
    }

    if (unavailable) {
      return sendSnapshot(to, pr, m);
    }
    m.setType(MessageType.MsgApp)
        .setIndex(pr.next - 1)
        .setLogTerm(prevTerm)
        .addAllEntries(ents)
        .setCommit(raftLog.committed);
    int n = ents.size();
    if (n != 0) {
      switch (pr.state) {
        case StateReplicate -> {
          // Optimistically assume delivery and keep streaming within the inflight window.
          long last = ents.get(n - 1).getIndex();
          pr.optimisticUpdate(last);
          pr.inflights.add(last);
        }
        case StateProbe -> pr.probeSent = true;
        default ->
            throw new IllegalStateException(
                String.format("%x is sending append in unhandled state %s", id, pr.state));
      }
    }
    send(m);
    return true;
  }

  /** The follower needs entries we compacted: send the latest snapshot instead. */
  private boolean sendSnapshot(long to, Progress pr, Message.Builder m) {
    if (!pr.recentActive) {
      logger.debug("ignore sending snapshot to %x since it is not recently active", to);
      return false;
    }
    Snapshot snapshot;
    try {
      snapshot = raftLog.snapshot();
    } catch (SnapshotTemporarilyUnavailableException e) {
      logger.debug(
          "%x failed to send snapshot to %x because snapshot is temporarily unavailable", id, to);
      return false;
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
    if (RaftUtil.isEmptySnap(snapshot)) {
      throw new IllegalStateException("need non-empty snapshot");
    }
    m.setType(MessageType.MsgSnap).setSnapshot(snapshot);
    long sindex = snapshot.getMetadata().getIndex();
    long sterm = snapshot.getMetadata().getTerm();
    logger.debug(
        "%x [firstindex: %d, commit: %d] sent snapshot[index: %d, term: %d] to %x [%s]",
        id, raftLog.firstIndex(), raftLog.committed, sindex, sterm, to, pr);
    pr.becomeSnapshot(sindex);
    logger.debug("%x paused sending replication messages to %x [%s]", id, to, pr);
    send(m);
    return true;
  }

  /**
   * A heartbeat carries {@code min(match, committed)}: the follower may not have the leader's
   * committed entries yet and must not commit beyond what it has.
   */
  private void sendHeartbeat(long to, ByteString ctx) {
    long commit = Math.min(prs.progress.get(to).match, raftLog.committed);
    Message.Builder m =
        Message.newBuilder().setTo(to).setType(MessageType.MsgHeartbeat).setCommit(commit);
    if (ctx != null) {
      m.setContext(ctx);
    }
    send(m);
  }

  void bcastAppend() {
    prs.visit(
        (pid, pr) -> {
          if (pid != id) {
            sendAppend(pid);
          }
        });
  }

  void bcastHeartbeat() {
    ByteString lastCtx = readOnly.lastPendingRequestCtx();
    bcastHeartbeatWithCtx(lastCtx.isEmpty() ? null : lastCtx);
  }

  private void bcastHeartbeatWithCtx(ByteString ctx) {
    prs.visit(
        (pid, pr) -> {
          if (pid != id) {
            sendHeartbeat(pid, ctx);
          }
        });
  }

  /** Called by {@link RawNode#advance} once the application has handled a Ready. */
  void advance(Ready rd) {
    long index = rd.appliedCursor();
    if (index > 0) {
      raftLog.appliedTo(index);
      if (prs.config.autoLeave && index >= pendingConfIndex && state == StateType.StateLeader) {
        // The joint config is applied: propose the empty change that leaves it, through step()
        // like later etcd-io/raft, so the leader's proposal checks apply. A leader that is no
        // longer in the config (demoted to learner, then removed by this very joint change)
        // has no progress of its own and the proposal is dropped; etcd 3.4.23 appends directly
        // and would hit that missing progress (a nil dereference). On success handlePropose
        // sets pendingConfIndex, so the next apply does not propose a second leave (3.4.23 does
        // and would panic "can't leave a non-joint config"). On a drop we, unlike any etcd
        // release, push pendingConfIndex to our last index so the retry waits for that to be
        // applied instead of firing on every advance. 3.5 instead guards with oldApplied <=
        // pendingConfIndex <= newApplied, appends directly and panics when the append is refused.
        Message leave =
            RawNode.confChangeToMsg(
                    EntryType.EntryConfChangeV2, ConfChangeV2.getDefaultInstance().toByteString())
                .toBuilder()
                .setFrom(id)
                .build();
        try {
          step(leave);
          logger.info("initiating automatic transition out of joint configuration %s", prs.config);
        } catch (ProposalDroppedException e) {
          logger.debug(
              "not initiating automatic transition out of joint configuration %s: %s",
              prs.config, e.getMessage());
          pendingConfIndex = raftLog.lastIndex();
        }
      }
    }
    reduceUncommittedSize(rd.committedEntries());

    List<Entry> ents = rd.entries();
    if (!ents.isEmpty()) {
      Entry e = ents.get(ents.size() - 1);
      raftLog.stableTo(e.getIndex(), e.getTerm());
    }
    if (!RaftUtil.isEmptySnap(rd.snapshot())) {
      raftLog.stableSnapTo(rd.snapshot().getMetadata().getIndex());
    }
  }

  /** Advances the commit index to what a quorum has matched; returns whether it moved. */
  boolean maybeCommit() {
    return raftLog.maybeCommit(prs.committed(), term);
  }

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = NONE;
    }
    lead = NONE;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    resetRandomizedElectionTimeout();
    abortLeaderTransfer();
    prs.resetVotes();
    long last = raftLog.lastIndex();
    int maxInflight = prs.maxInflight();
    for (Map.Entry<Long, Progress> e : prs.progress.entrySet()) {
      Progress fresh = new Progress(0, last + 1, maxInflight, e.getValue().isLearner, false);
      if (e.getKey() == id) {
        fresh.match = last;
      }
      e.setValue(fresh);
    }
    pendingConfIndex = 0;
    uncommittedSize = 0;
    readOnly = new ReadOnly(readOnly.option);
  }

  /**
   * Assigns term and index to new leader entries and appends them; returns false (dropping them) if
   * they would exceed the uncommitted-size limit.
   */
  boolean appendEntry(List<Entry> es) {
    long li = raftLog.lastIndex();
    List<Entry> stamped = new ArrayList<>(es.size());
    for (int i = 0; i < es.size(); i++) {
      Entry e = es.get(i);
      stamped.add(e.toBuilder().setTerm(term).setIndex(li + 1 + i).setType(e.getType()).build());
    }
    if (!increaseUncommittedSize(stamped)) {
      logger.debug(
          "%x appending new entries to log would exceed uncommitted entry size limit; dropping"
              + " proposal",
          id);
      return false;
    }
    li = raftLog.append(stamped);
    prs.progress.get(id).maybeUpdate(li);
    // A single-voter cluster commits at once.
    maybeCommit();
    return true;
  }

  /** Advances time by one tick. */
  void tick() {
    if (state == StateType.StateLeader) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  /** Followers and candidates: campaign when the randomized election timeout passes. */
  private void tickElection() {
    electionElapsed++;
    if (promotable() && pastElectionTimeout()) {
      electionElapsed = 0;
      stepOrDrop(Message.newBuilder().setFrom(id).setType(MessageType.MsgHup).build());
    }
  }

  /** Leaders: send heartbeats, check quorum, give up on a stalled transfer. */
  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;

    if (electionElapsed >= electionTimeout) {
      electionElapsed = 0;
      if (checkQuorum) {
        stepOrDrop(Message.newBuilder().setFrom(id).setType(MessageType.MsgCheckQuorum).build());
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (state == StateType.StateLeader && leadTransferee != NONE) {
        abortLeaderTransfer();
      }
    }

    if (state != StateType.StateLeader) {
      return;
    }

    if (heartbeatElapsed >= heartbeatTimeout) {
      heartbeatElapsed = 0;
      stepOrDrop(Message.newBuilder().setFrom(id).setType(MessageType.MsgBeat).build());
    }
  }

  /** Steps a locally generated message that can never be a dropped proposal. */
  private void stepOrDrop(Message m) {
    try {
      step(m);
    } catch (ProposalDroppedException e) {
      throw new IllegalStateException("local message unexpectedly dropped: " + m.getType(), e);
    }
  }

  void becomeFollower(long newTerm, long newLead) {
    reset(newTerm);
    lead = newLead;
    state = StateType.StateFollower;
    logger.info("%x became follower at term %d", id, term);
  }

  void becomeCandidate() {
    if (state == StateType.StateLeader) {
      throw new IllegalStateException("invalid transition [leader -> candidate]");
    }
    reset(term + 1);
    vote = id;
    state = StateType.StateCandidate;
    logger.info("%x became candidate at term %d", id, term);
  }

  void becomePreCandidate() {
    if (state == StateType.StateLeader) {
      throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
    }
    // A pre-candidate keeps its term and vote: it changes nothing until it can win a real
    // election.
    prs.resetVotes();
    lead = NONE;
    state = StateType.StatePreCandidate;
    logger.info("%x became pre-candidate at term %d", id, term);
  }

  void becomeLeader() {
    if (state == StateType.StateFollower) {
      throw new IllegalStateException("invalid transition [follower -> leader]");
    }
    reset(term);
    lead = id;
    state = StateType.StateLeader;
    // Our own log is by definition up to date; replicate mode lets the self-progress be used in
    // commit calculations without probing.
    prs.progress.get(id).becomeReplicate();

    // Conservatively treat any unapplied entry as a possible conf change, so no new conf change
    // is proposed until everything before our term is applied.
    pendingConfIndex = raftLog.lastIndex();

    Entry empty = Entry.getDefaultInstance();
    if (!appendEntry(List.of(empty))) {
      throw new IllegalStateException("empty entry was dropped");
    }
    // The empty entry's size does not count toward the uncommitted limit (it is zero anyway).
    reduceUncommittedSize(List.of(empty));
    logger.info("%x became leader at term %d", id, term);
  }

  void campaign(CampaignType t) {
    if (!promotable()) {
      // Callers check first; a learner campaigning would be a bug.
      logger.warn("%x is unpromotable; campaign() should have been called", id);
    }
    long voteTerm;
    MessageType voteMsg;
    if (t == CampaignType.PRE_ELECTION) {
      becomePreCandidate();
      voteMsg = MessageType.MsgPreVote;
      // Pre-votes ask about the next term without moving to it.
      voteTerm = term + 1;
    } else {
      becomeCandidate();
      voteMsg = MessageType.MsgVote;
      voteTerm = term;
    }
    if (poll(id, RaftUtil.voteRespMsgType(voteMsg), true).result() == VoteResult.VoteWon) {
      // Single-voter cluster: our own vote wins.
      if (t == CampaignType.PRE_ELECTION) {
        campaign(CampaignType.ELECTION);
      } else {
        becomeLeader();
      }
      return;
    }
    for (long pid : prs.config.voters.ids()) {
      if (pid == id) {
        continue;
      }
      logger.info(
          "%x [logterm: %d, index: %d] sent %s request to %x at term %d",
          id, raftLog.lastTerm(), raftLog.lastIndex(), voteMsg, pid, term);
      Message.Builder m =
          Message.newBuilder()
              .setTerm(voteTerm)
              .setTo(pid)
              .setType(voteMsg)
              .setIndex(raftLog.lastIndex())
              .setLogTerm(raftLog.lastTerm());
      if (t == CampaignType.TRANSFER) {
        m.setContext(TRANSFER_CONTEXT);
      }
      send(m);
    }
  }

  private ProgressTracker.Tally poll(long from, MessageType t, boolean granted) {
    if (granted) {
      logger.info("%x received %s from %x at term %d", id, t, from, term);
    } else {
      logger.info("%x received %s rejection from %x at term %d", id, t, from, term);
    }
    prs.recordVote(from, granted);
    return prs.tallyVotes();
  }

  /** Feeds one message to the state machine. */
  void step(Message m) throws ProposalDroppedException {
    // First handle the message's term, which may move us to follower.
    if (m.getTerm() == 0) {
      // Local message.
    } else if (m.getTerm() > term) {
      if (m.getType() == MessageType.MsgVote || m.getType() == MessageType.MsgPreVote) {
        boolean force = m.getContext().equals(TRANSFER_CONTEXT);
        boolean inLease = checkQuorum && lead != NONE && electionElapsed < electionTimeout;
        if (!force && inLease) {
          // We heard from a leader within the minimum election timeout: ignore the vote and do
          // not bump our term (thesis §4.2.3, disruptive servers).
          logger.info(
              "%x [logterm: %d, index: %d, vote: %x] ignored %s from %x [logterm: %d, index: %d]"
                  + " at term %d: lease is not expired (remaining ticks: %d)",
              id,
              raftLog.lastTerm(),
              raftLog.lastIndex(),
              vote,
              m.getType(),
              m.getFrom(),
              m.getLogTerm(),
              m.getIndex(),
              term,
              electionTimeout - electionElapsed);
          return;
        }
      }
      if (m.getType() == MessageType.MsgPreVote) {
        // Never change our term in response to a pre-vote.
      } else if (m.getType() == MessageType.MsgPreVoteResp && !m.getReject()) {
        // A granted pre-vote carries the future term we asked about; the term moves only when
        // the pre-election is won. A rejection carries the voter's real, higher term.
      } else {
        logger.info(
            "%x [term: %d] received a %s message with higher term from %x [term: %d]",
            id, term, m.getType(), m.getFrom(), m.getTerm());
        if (m.getType() == MessageType.MsgApp
            || m.getType() == MessageType.MsgHeartbeat
            || m.getType() == MessageType.MsgSnap) {
          becomeFollower(m.getTerm(), m.getFrom());
        } else {
          becomeFollower(m.getTerm(), NONE);
        }
      }
    } else if (m.getTerm() < term) {
      handleLowerTerm(m);
      return;
    }

    switch (m.getType()) {
      case MsgHup -> handleHup();
      case MsgVote, MsgPreVote -> handleVoteRequest(m);
      default -> {
        switch (state) {
          case StateLeader -> stepLeader(m);
          case StateCandidate, StatePreCandidate -> stepCandidate(m);
          case StateFollower -> stepFollower(m);
        }
      }
    }
  }

  private void handleLowerTerm(Message m) {
    if ((checkQuorum || preVote)
        && (m.getType() == MessageType.MsgHeartbeat || m.getType() == MessageType.MsgApp)) {
      // A stale leader (e.g. after a partition) would otherwise never learn of the new term if
      // our higher-term votes were ignored by it under check-quorum/pre-vote. An empty append
      // response carries our term and makes it step down.
      send(Message.newBuilder().setTo(m.getFrom()).setType(MessageType.MsgAppResp));
    } else if (m.getType() == MessageType.MsgPreVote) {
      // Reject explicitly so the pre-candidate learns our term instead of waiting forever.
      rejectVote(m);
    } else {
      logger.info(
          "%x [term: %d] ignored a %s message with lower term from %x [term: %d]",
          id, term, m.getType(), m.getFrom(), m.getTerm());
    }
  }

  /** Answers a (pre-)vote request with a rejection carrying our term. */
  private void rejectVote(Message m) {
    logVote("rejected", "from", m);
    send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setTerm(term)
            .setType(RaftUtil.voteRespMsgType(m.getType()))
            .setReject(true));
  }

  /**
   * The one line etcd logs for a vote decision ("cast MsgVote for 2", "rejected MsgPreVote from
   * 3"), with our log position and vote before the verb and the candidate's after it, before our
   * vote is recorded.
   */
  private void logVote(String verb, String preposition, Message m) {
    logger.info(
        "%x [logterm: %d, index: %d, vote: %x] %s %s %s %x [logterm: %d, index: %d] at term %d",
        id,
        raftLog.lastTerm(),
        raftLog.lastIndex(),
        vote,
        verb,
        m.getType(),
        preposition,
        m.getFrom(),
        m.getLogTerm(),
        m.getIndex(),
        term);
  }

  private void handleHup() {
    if (state == StateType.StateLeader) {
      logger.debug("%x ignoring MsgHup because already leader", id);
      return;
    }
    if (!promotable()) {
      logger.warn("%x is unpromotable and can not campaign; ignoring MsgHup", id);
      return;
    }
    List<Entry> ents;
    try {
      ents = raftLog.slice(raftLog.applied + 1, raftLog.committed + 1, NO_LIMIT);
    } catch (StorageException e) {
      throw new IllegalStateException(
          String.format("unexpected error getting unapplied entries (%s)", e.getMessage()), e);
    }
    int n = numOfPendingConf(ents);
    if (n != 0 && raftLog.committed > raftLog.applied) {
      // A committed but unapplied conf change may remove us or change the quorum.
      logger.warn(
          "%x cannot campaign at term %d since there are still %d pending configuration changes"
              + " to apply",
          id, term, n);
      return;
    }
    logger.info("%x is starting a new election at term %d", id, term);
    campaign(preVote ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
  }

  private void handleVoteRequest(Message m) {
    // We can vote if this repeats our vote, if we have neither voted nor heard of a leader in
    // this term, or if it is a pre-vote for a future term.
    boolean canVote =
        vote == m.getFrom()
            || (vote == NONE && lead == NONE)
            || (m.getType() == MessageType.MsgPreVote && m.getTerm() > term);
    if (canVote && raftLog.isUpToDate(m.getIndex(), m.getLogTerm())) {
      logVote("cast", "for", m);
      // The response carries the request's term, not ours: for pre-votes our term is still the
      // old one, and the pre-candidate must recognise the answer as matching its request.
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setTerm(m.getTerm())
              .setType(RaftUtil.voteRespMsgType(m.getType())));
      if (m.getType() == MessageType.MsgVote) {
        // Only real votes are recorded, and they restart our election timer.
        electionElapsed = 0;
        vote = m.getFrom();
      }
    } else {
      rejectVote(m);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Leader

  private void stepLeader(Message m) throws ProposalDroppedException {
    // Messages that need no progress of the sender.
    switch (m.getType()) {
      case MsgBeat -> {
        bcastHeartbeat();
        return;
      }
      case MsgCheckQuorum -> {
        handleCheckQuorum();
        return;
      }
      case MsgProp -> {
        handlePropose(m);
        return;
      }
      case MsgReadIndex -> {
        handleReadIndex(m);
        return;
      }
      default -> {}
    }

    Progress pr = prs.progress.get(m.getFrom());
    if (pr == null) {
      logger.debug("%x no progress available for %x", id, m.getFrom());
      return;
    }
    switch (m.getType()) {
      case MsgAppResp -> handleAppendResponse(m, pr);
      case MsgHeartbeatResp -> handleHeartbeatResponse(m, pr);
      case MsgSnapStatus -> handleSnapStatus(m, pr);
      case MsgUnreachable -> {
        // The transport failed to deliver: stop streaming optimistically and probe instead.
        if (pr.state == ProgressState.StateReplicate) {
          pr.becomeProbe();
        }
        logger.debug(
            "%x failed to send message to %x because it is unreachable [%s]", id, m.getFrom(), pr);
      }
      case MsgTransferLeader -> handleTransferLeader(m, pr);
      default -> {}
    }
  }

  private void handleCheckQuorum() {
    // The leader always counts itself as active, even if it was removed from the config.
    Progress self = prs.progress.get(id);
    if (self != null) {
      self.recentActive = true;
    }
    if (!prs.quorumActive()) {
      logger.warn("%x stepped down to follower since quorum is not active", id);
      becomeFollower(term, NONE);
    }
    // Start a fresh activity window.
    prs.visit(
        (pid, p) -> {
          if (pid != id) {
            p.recentActive = false;
          }
        });
  }

  private void handlePropose(Message m) throws ProposalDroppedException {
    if (m.getEntriesCount() == 0) {
      throw new IllegalStateException(String.format("%x stepped empty MsgProp", id));
    }
    if (prs.progress.get(id) == null) {
      // We were removed from the configuration while leader: refuse new work (etcd #7327).
      throw new ProposalDroppedException();
    }
    if (leadTransferee != NONE) {
      logger.debug(
          "%x [term %d] transfer leadership to %x is in progress; dropping proposal",
          id, term, leadTransferee);
      throw new ProposalDroppedException();
    }

    List<Entry> entries = new ArrayList<>(m.getEntriesList());
    for (int i = 0; i < entries.size(); i++) {
      ConfChangeV2 cc = RaftUtil.confChangeOf(entries.get(i));
      if (cc == null) {
        continue;
      }
      boolean alreadyPending = pendingConfIndex > raftLog.applied;
      boolean alreadyJoint = prs.config.voters.isJoint();
      boolean wantsLeaveJoint = cc.getChangesCount() == 0;

      String refused = null;
      if (alreadyPending) {
        refused =
            String.format(
                "possible unapplied conf change at index %d (applied to %d)",
                pendingConfIndex, raftLog.applied);
      } else if (alreadyJoint && !wantsLeaveJoint) {
        refused = "must transition out of joint config first";
      } else if (!alreadyJoint && wantsLeaveJoint) {
        refused = "not in joint state; refusing empty conf change";
      }

      if (refused != null) {
        // Replace it with an empty normal entry so the proposer's indexes still line up.
        logger.info(
            "%x ignoring conf change %s at config %s: %s",
            id, RaftUtil.goValueOfConfChange(entries.get(i)), prs.config, refused);
        entries.set(i, Entry.newBuilder().setType(EntryType.EntryNormal).build());
      } else {
        pendingConfIndex = raftLog.lastIndex() + i + 1;
      }
    }

    if (!appendEntry(entries)) {
      throw new ProposalDroppedException();
    }
    bcastAppend();
  }

  private void handleReadIndex(Message m) {
    if (prs.isSingleton() && prs.config.voters.incoming().contains(id)) {
      // We are the only voter: our commit index is authoritative. A leader that demoted or
      // removed itself still leads its term, and the one remaining voter may be someone else
      // whose log is ahead of ours; that case takes the quorum path below (etcd 3.4.23 answers
      // at once from its own commit index there: a stale read).
      Message resp = responseToReadIndexReq(m, raftLog.committed);
      if (resp != null) {
        msgs.add(resp);
      }
      return;
    }
    // Until the leader commits an entry of its own term it does not know the true commit index
    // (thesis §6.4); postpone the request until then.
    if (!committedEntryInCurrentTerm()) {
      pendingReadIndexMessages.add(m);
      return;
    }
    sendMsgReadIndexResponse(m);
  }

  private void handleAppendResponse(Message m, Progress pr) {
    pr.recentActive = true;

    if (m.getReject()) {
      logger.debug(
          "%x received MsgAppResp(MsgApp was rejected, lastindex: %d) from %x for index %d",
          id, m.getRejectHint(), m.getFrom(), m.getIndex());
      // The follower's last index (the hint) lets us skip straight past its log end.
      if (pr.maybeDecrTo(m.getIndex(), m.getRejectHint())) {
        logger.debug("%x decreased progress of %x to [%s]", id, m.getFrom(), pr);
        if (pr.state == ProgressState.StateReplicate) {
          pr.becomeProbe();
        }
        sendAppend(m.getFrom());
      }
      return;
    }

    boolean oldPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.getIndex())) {
      return;
    }
    switch (pr.state) {
      case StateProbe -> pr.becomeReplicate();
      case StateSnapshot -> {
        if (pr.match >= pr.pendingSnapshot) {
          // The follower caught up past the snapshot (e.g. via appends): resume replication.
          logger.debug(
              "%x recovered from needing snapshot, resumed sending replication messages to %x"
                  + " [%s]",
              id, m.getFrom(), pr);
          // Probe first so next is computed from the pending snapshot, then replicate.
          pr.becomeProbe();
          pr.becomeReplicate();
        }
      }
      case StateReplicate -> pr.inflights.freeLE(m.getIndex());
    }

    if (maybeCommit()) {
      releasePendingReadIndexMessages();
      bcastAppend();
    } else if (oldPaused) {
      // The follower was paused and may now accept more; also tells it our commit index.
      sendAppend(m.getFrom());
    }
    // Drain as much of the log as the flow control allows.
    while (maybeSendAppend(m.getFrom(), false)) {
      // keep sending
    }
    // A transfer target that just caught up can take over now.
    if (m.getFrom() == leadTransferee && pr.match == raftLog.lastIndex()) {
      logger.info("%x sent MsgTimeoutNow to %x after received MsgAppResp", id, m.getFrom());
      sendTimeoutNow(m.getFrom());
    }
  }

  private void handleHeartbeatResponse(Message m, Progress pr) {
    pr.recentActive = true;
    pr.probeSent = false;

    // A full window may be stuck on lost messages: free one slot so sending resumes.
    if (pr.state == ProgressState.StateReplicate && pr.inflights.full()) {
      pr.inflights.freeFirstOne();
    }
    if (pr.match < raftLog.lastIndex()) {
      sendAppend(m.getFrom());
    }

    if (readOnly.option != ReadOnlyOption.ReadOnlySafe || m.getContext().isEmpty()) {
      return;
    }
    Map<Long, Boolean> acks = readOnly.recvAck(m.getFrom(), m.getContext());
    if (prs.config.voters.voteResult(acks == null ? Map.of() : acks) != VoteResult.VoteWon) {
      return;
    }
    for (ReadOnly.ReadIndexStatus rs : readOnly.advance(m)) {
      Message resp = responseToReadIndexReq(rs.req, rs.index);
      if (resp != null) {
        msgs.add(resp);
      }
    }
  }

  private void handleSnapStatus(Message m, Progress pr) {
    if (pr.state != ProgressState.StateSnapshot) {
      return;
    }
    if (!m.getReject()) {
      pr.becomeProbe();
      logger.debug(
          "%x snapshot succeeded, resumed sending replication messages to %x [%s]",
          id, m.getFrom(), pr);
    } else {
      // Forget the failed snapshot so probing restarts from match.
      pr.pendingSnapshot = 0;
      pr.becomeProbe();
      logger.debug(
          "%x snapshot failed, resumed sending replication messages to %x [%s]",
          id, m.getFrom(), pr);
    }
    // Wait for the follower's answer (or the next heartbeat) before sending more: applying the
    // snapshot takes time and an append now would likely be rejected.
    pr.probeSent = true;
  }

  private void handleTransferLeader(Message m, Progress pr) {
    if (pr.isLearner) {
      logger.debug("%x is learner. Ignored transferring leadership", id);
      return;
    }
    long transferee = m.getFrom();
    long last = leadTransferee;
    if (last != NONE) {
      if (last == transferee) {
        logger.info(
            "%x [term %d] transfer leadership to %x is in progress, ignores request to same node"
                + " %x",
            id, term, transferee, transferee);
        return;
      }
      abortLeaderTransfer();
      logger.info("%x [term %d] abort previous transferring leadership to %x", id, term, last);
    }
    if (transferee == id) {
      logger.debug("%x is already leader. Ignored transferring leadership to self", id);
      return;
    }
    logger.info("%x [term %d] starts to transfer leadership to %x", id, term, transferee);
    // The transfer must finish within an election timeout; reset the timer to measure it.
    electionElapsed = 0;
    leadTransferee = transferee;
    if (pr.match == raftLog.lastIndex()) {
      sendTimeoutNow(transferee);
      logger.info(
          "%x sends MsgTimeoutNow to %x immediately as %x already has up-to-date log",
          id, transferee, transferee);
    } else {
      sendAppend(transferee);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Candidate and follower

  private void stepCandidate(Message m) throws ProposalDroppedException {
    MessageType myVoteRespType =
        state == StateType.StatePreCandidate ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
    switch (m.getType()) {
      case MsgProp -> {
        logger.info("%x no leader at term %d; dropping proposal", id, term);
        throw new ProposalDroppedException();
      }
      case MsgApp -> {
        // A leader exists at our term (m.term == term here).
        becomeFollower(m.getTerm(), m.getFrom());
        handleAppendEntries(m);
      }
      case MsgHeartbeat -> {
        becomeFollower(m.getTerm(), m.getFrom());
        handleHeartbeat(m);
      }
      case MsgSnap -> {
        becomeFollower(m.getTerm(), m.getFrom());
        handleSnapshot(m);
      }
      case MsgTimeoutNow ->
          logger.debug(
              "%x [term %d state %s] ignored MsgTimeoutNow from %x", id, term, state, m.getFrom());
      default -> {
        if (m.getType() == myVoteRespType) {
          handleVoteResponse(m);
        }
      }
    }
  }

  private void handleVoteResponse(Message m) {
    ProgressTracker.Tally tally = poll(m.getFrom(), m.getType(), !m.getReject());
    logger.info(
        "%x has received %d %s votes and %d vote rejections",
        id, tally.granted(), m.getType(), tally.rejected());
    switch (tally.result()) {
      case VoteWon -> {
        if (state == StateType.StatePreCandidate) {
          campaign(CampaignType.ELECTION);
        } else {
          becomeLeader();
          bcastAppend();
        }
      }
      // Pre-candidates also fall back to our real term (m.term would be the pre-vote's future
      // term).
      case VoteLost -> becomeFollower(term, NONE);
      case VotePending -> {}
    }
  }

  private void stepFollower(Message m) throws ProposalDroppedException {
    switch (m.getType()) {
      case MsgProp -> {
        if (lead == NONE) {
          logger.info("%x no leader at term %d; dropping proposal", id, term);
          throw new ProposalDroppedException();
        } else if (disableProposalForwarding) {
          logger.info(
              "%x not forwarding to leader %x at term %d; dropping proposal", id, lead, term);
          throw new ProposalDroppedException();
        }
        send(m.toBuilder().setTo(lead));
      }
      case MsgApp -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleAppendEntries(m);
      }
      case MsgHeartbeat -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleHeartbeat(m);
      }
      case MsgSnap -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleSnapshot(m);
      }
      case MsgTransferLeader -> {
        if (lead == NONE) {
          logger.info("%x no leader at term %d; dropping leader transfer msg", id, term);
          return;
        }
        send(m.toBuilder().setTo(lead));
      }
      case MsgTimeoutNow -> {
        if (promotable()) {
          logger.info(
              "%x [term %d] received MsgTimeoutNow from %x and starts an election to get"
                  + " leadership.",
              id, term, m.getFrom());
          // Transfers skip pre-vote: the leader asked for it, and the lease must be bypassed.
          campaign(CampaignType.TRANSFER);
        } else {
          logger.info("%x received MsgTimeoutNow from %x but is not promotable", id, m.getFrom());
        }
      }
      case MsgReadIndex -> {
        if (lead == NONE) {
          logger.info("%x no leader at term %d; dropping index reading msg", id, term);
          return;
        }
        send(m.toBuilder().setTo(lead));
      }
      case MsgReadIndexResp -> {
        if (m.getEntriesCount() != 1) {
          logger.error(
              "%x invalid format of MsgReadIndexResp from %x, entries count: %d",
              id, m.getFrom(), m.getEntriesCount());
          return;
        }
        readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData()));
      }
      default -> {}
    }
  }

  /**
   * Answers an append. On a mismatch the response rejects {@code m.index} and hints our last index
   * so the leader can jump back (3.4's reject hint).
   */
  void handleAppendEntries(Message m) {
    if (m.getIndex() < raftLog.committed) {
      // Already committed here; tell the leader where we are.
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.committed));
      return;
    }
    long lastNewI =
        raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
    if (lastNewI >= 0) {
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(lastNewI));
    } else {
      logger.debug(
          "%x [logterm: %d, index: %d] rejected MsgApp [logterm: %d, index: %d] from %x",
          id,
          raftLog.zeroTermOnErrCompacted(m.getIndex()),
          m.getIndex(),
          m.getLogTerm(),
          m.getIndex(),
          m.getFrom());
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(m.getIndex())
              .setReject(true)
              .setRejectHint(raftLog.lastIndex()));
    }
  }

  void handleHeartbeat(Message m) {
    raftLog.commitTo(m.getCommit());
    Message.Builder resp =
        Message.newBuilder().setTo(m.getFrom()).setType(MessageType.MsgHeartbeatResp);
    if (m.hasContext()) {
      resp.setContext(m.getContext());
    }
    send(resp);
  }

  void handleSnapshot(Message m) {
    Snapshot s = m.getSnapshot();
    long sindex = s.getMetadata().getIndex();
    long sterm = s.getMetadata().getTerm();
    if (restore(s)) {
      logger.info(
          "%x [commit: %d] restored snapshot [index: %d, term: %d]",
          id, raftLog.committed, sindex, sterm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.lastIndex()));
    } else {
      logger.info(
          "%x [commit: %d] ignored snapshot [index: %d, term: %d]",
          id, raftLog.committed, sindex, sterm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.committed));
    }
  }

  /**
   * Installs a snapshot's log position and configuration; returns false if it is stale or only
   * fast-forwards the commit index.
   */
  boolean restore(Snapshot s) {
    long sIndex = s.getMetadata().getIndex();
    long sTerm = s.getMetadata().getTerm();
    if (sIndex <= raftLog.committed) {
      return false;
    }
    if (state != StateType.StateFollower) {
      // Only followers restore; a leader here means something is badly wrong. Bumping the term
      // forces a new election rather than carrying on with a confused leader.
      logger.warn("%x attempted to restore snapshot as leader; should never happen", id);
      becomeFollower(term + 1, NONE);
      return false;
    }

    ConfState cs = s.getMetadata().getConfState();
    boolean found = cs.getVotersList().contains(id) || cs.getLearnersList().contains(id);
    if (!found) {
      // A snapshot that removes us is never sent by a correct leader; ignore it.
      logger.warn(
          "%x attempted to restore snapshot but it is not in the ConfState %s; should never"
              + " happen",
          id, RaftUtil.describeConfState(cs));
      return false;
    }

    // We already have the entry the snapshot ends at: just move the commit index.
    if (raftLog.matchTerm(sIndex, sTerm)) {
      logger.info(
          "%x [commit: %d, lastindex: %d, lastterm: %d] fast-forwarded commit to snapshot [index:"
              + " %d, term: %d]",
          id, raftLog.committed, raftLog.lastIndex(), raftLog.lastTerm(), sIndex, sTerm);
      raftLog.commitTo(sIndex);
      return false;
    }

    raftLog.restore(s);

    // Rebuild the membership from scratch from the snapshot's ConfState.
    prs = new ProgressTracker(prs.maxInflight());
    Changer.Result restored;
    try {
      restored = Restore.restore(prs, raftLog.lastIndex(), cs);
    } catch (ConfChangeException e) {
      throw new IllegalStateException(
          String.format(
              "unable to restore config %s: %s", RaftUtil.describeConfState(cs), e.getMessage()),
          e);
    }
    assertConfStatesEquivalent(cs, switchToConfig(restored));

    Progress pr = prs.progress.get(id);
    pr.maybeUpdate(pr.next - 1);

    logger.info(
        "%x [commit: %d, lastindex: %d, lastterm: %d] restored snapshot [index: %d, term: %d]",
        id, raftLog.committed, raftLog.lastIndex(), raftLog.lastTerm(), sIndex, sTerm);
    return true;
  }

  /** Whether this node may campaign: it is a voter in the current configuration. */
  boolean promotable() {
    Progress pr = prs.progress.get(id);
    return pr != null && !pr.isLearner;
  }

  /** Applies a committed configuration change and returns the resulting ConfState. */
  ConfState applyConfChange(ConfChangeV2 cc) {
    Changer changer = new Changer(prs, raftLog.lastIndex());
    Changer.Result r;
    try {
      if (RaftUtil.isLeaveJoint(cc)) {
        r = changer.leaveJoint();
      } else {
        Boolean autoLeave = RaftUtil.enterJoint(cc);
        if (autoLeave != null) {
          r = changer.enterJoint(autoLeave, cc.getChangesList());
        } else {
          r = changer.simple(cc.getChangesList());
        }
      }
    } catch (ConfChangeException e) {
      // Conf changes are validated before they are proposed; an invalid one here is a bug.
      throw new IllegalStateException(e.getMessage(), e);
    }
    return switchToConfig(r);
  }

  /**
   * Installs a new membership and does the follow-up work: a leader may now commit (the quorum
   * changed), must start replicating to new members, and abandons a transfer to a removed node.
   */
  ConfState switchToConfig(Changer.Result r) {
    prs.config = r.config();
    prs.progress = r.progress();

    logger.info("%x switched to configuration %s", id, prs.config);
    ConfState cs = prs.confState();
    Progress pr = prs.progress.get(id);

    isLearner = pr != null && pr.isLearner;

    if ((pr == null || isLearner) && state == StateType.StateLeader) {
      // Removed or demoted while leading: keep leading until a successor is elected (the node
      // drops proposals meanwhile); there is nothing to commit on our behalf.
      return cs;
    }

    if (state != StateType.StateLeader || cs.getVotersCount() == 0) {
      return cs;
    }

    if (maybeCommit()) {
      // The new quorum committed more: tell everyone.
      bcastAppend();
    } else {
      // Probe newly added members without spamming existing ones with empty appends.
      prs.visit(
          (pid, p) -> {
            if (pid != id) {
              maybeSendAppend(pid, false);
            }
          });
    }
    if (leadTransferee != NONE && !prs.progress.containsKey(leadTransferee)) {
      abortLeaderTransfer();
    }
    return cs;
  }

  void loadState(HardState hs) {
    if (hs.getCommit() < raftLog.committed || hs.getCommit() > raftLog.lastIndex()) {
      throw new IllegalStateException(
          String.format(
              "%x state.commit %d is out of range [%d, %d]",
              id, hs.getCommit(), raftLog.committed, raftLog.lastIndex()));
    }
    raftLog.committed = hs.getCommit();
    term = hs.getTerm();
    vote = hs.getVote();
  }

  boolean pastElectionTimeout() {
    return electionElapsed >= randomizedElectionTimeout;
  }

  void resetRandomizedElectionTimeout() {
    randomizedElectionTimeout = electionTimeout + random.nextInt(electionTimeout);
  }

  private void sendTimeoutNow(long to) {
    send(Message.newBuilder().setTo(to).setType(MessageType.MsgTimeoutNow));
  }

  void abortLeaderTransfer() {
    leadTransferee = NONE;
  }

  private boolean committedEntryInCurrentTerm() {
    return raftLog.zeroTermOnErrCompacted(raftLog.committed) == term;
  }

  /**
   * Local requests become a ReadState (returns null); requests forwarded by a follower get a
   * response message.
   */
  private Message responseToReadIndexReq(Message req, long readIndex) {
    if (req.getFrom() == NONE || req.getFrom() == id) {
      readStates.add(new ReadState(readIndex, req.getEntries(0).getData()));
      return null;
    }
    return Message.newBuilder()
        .setType(MessageType.MsgReadIndexResp)
        .setTo(req.getFrom())
        .setIndex(readIndex)
        .addAllEntries(req.getEntriesList())
        .setFrom(id)
        .setTerm(term)
        .build();
  }

  /**
   * Accounts for new uncommitted entries; refuses if over the limit. An empty uncommitted log
   * always accepts, so a single oversized entry cannot block progress forever.
   */
  private boolean increaseUncommittedSize(List<Entry> ents) {
    long s = RaftUtil.payloadSize(ents);
    if (uncommittedSize > 0 && uncommittedSize + s > maxUncommittedSize) {
      return false;
    }
    uncommittedSize += s;
    return true;
  }

  /** Releases the accounting of entries that are now committed. */
  void reduceUncommittedSize(List<Entry> ents) {
    if (uncommittedSize == 0) {
      // Fast path for followers, which do not track it.
      return;
    }
    long s = RaftUtil.payloadSize(ents);
    // Entries from a previous term may not have been counted; never go negative.
    uncommittedSize = s > uncommittedSize ? 0 : uncommittedSize - s;
  }

  /**
   * Counts conf changes among unapplied committed entries. etcd 3.4.23 counts only v1 entries; we
   * count V2 as well (as later etcd does), since a node must not campaign under a membership it has
   * not applied yet, whatever the entry format.
   */
  private static int numOfPendingConf(List<Entry> ents) {
    int n = 0;
    for (Entry e : ents) {
      if (e.getType() == EntryType.EntryConfChange || e.getType() == EntryType.EntryConfChangeV2) {
        n++;
      }
    }
    return n;
  }

  private void releasePendingReadIndexMessages() {
    if (!committedEntryInCurrentTerm()) {
      logger.error(
          "pending MsgReadIndex should be released only after first commit in current term");
      return;
    }
    List<Message> pending = pendingReadIndexMessages;
    pendingReadIndexMessages = new ArrayList<>();
    for (Message m : pending) {
      sendMsgReadIndexResponse(m);
    }
  }

  private void sendMsgReadIndexResponse(Message m) {
    switch (readOnly.option) {
      case ReadOnlySafe -> {
        // Confirm we are still leader with a heartbeat round carrying the request context.
        readOnly.addRequest(raftLog.committed, m);
        // Our own acknowledgement.
        readOnly.recvAck(id, m.getEntries(0).getData());
        bcastHeartbeatWithCtx(m.getEntries(0).getData());
      }
      case ReadOnlyLeaseBased -> {
        Message resp = responseToReadIndexReq(m, raftLog.committed);
        if (resp != null) {
          msgs.add(resp);
        }
      }
    }
  }

  private void assertConfStatesEquivalent(ConfState a, ConfState b) {
    if (!sortedConfState(a).equals(sortedConfState(b))) {
      throw new IllegalStateException(
          String.format(
              "ConfStates not equivalent after sorting:\n%s\n%s",
              RaftUtil.describeConfState(a), RaftUtil.describeConfState(b)));
    }
  }

  private static List<List<Long>> sortedConfState(ConfState cs) {
    List<List<Long>> out = new ArrayList<>();
    for (List<Long> l :
        List.of(
            cs.getVotersList(),
            cs.getLearnersList(),
            cs.getVotersOutgoingList(),
            cs.getLearnersNextList())) {
      List<Long> c = new ArrayList<>(l);
      c.sort(Long::compareUnsigned);
      out.add(c);
    }
    out.add(List.of(cs.getAutoLeave() ? 1L : 0L));
    return out;
  }
}
