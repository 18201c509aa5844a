package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.membership.ConfigChangeContext;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.MemberJson;
import io.etcdj.etcdserver.membership.MembershipChange;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.etcdserver.membership.MembershipException;
import io.etcdj.etcdserver.membership.RaftCluster;
import io.etcdj.etcdserver.types.Ids;
import io.etcdj.etcdserver.wait.Wait;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.raft.Node;
import io.etcdj.raft.ProgressView;
import io.etcdj.raft.RaftUtil;
import io.etcdj.raft.Status;
import io.etcdj.raft.StoppedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime membership changes, as etcd 3.4's {@code server.go} makes them: {@code AddMember}, {@code
 * RemoveMember}, {@code UpdateMember} and {@code PromoteMember} check {@code
 * --strict-reconfig-check} ({@code mayAddMember}, {@code mayRemoveMember}, {@code
 * mayPromoteMember}) and the learner's raft progress ({@code isLearnerReady}), then {@code
 * configure} proposes a {@code raftpb.ConfChange} and waits until it applies. {@link #apply} is the
 * apply half ({@code applyConfChange}): validate against membership, apply to raft (as a no-op with
 * NodeID 0 when rejected), then to membership, and answer the proposer with the members after the
 * change.
 *
 * <p>Threading: the change methods may be called from any thread; they never block and their
 * futures complete on the apply, raft or scheduler thread, so callers continue with {@code *Async}
 * stages. {@link #apply} runs on the apply thread only.
 */
final class MemberChanges {
  private static final Logger LOG = LoggerFactory.getLogger(MemberChanges.class);

  /** {@code readyPercent}: a learner is in sync once its match is at 90% of the leader's. */
  static final double READY_PERCENT = 0.9;

  /** {@code HealthInterval}: a peer must have been connected this long to count as healthy. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  /** What applying one ConfChange answers its proposer (etcd's {@code confChangeResponse}). */
  record Response(List<Member> members, Throwable error) {}

  /** What applying one ConfChange did: the new ConfState (null if rejected), self removal. */
  record Applied(ConfState confState, boolean removedSelf) {}

  private final long localId;
  private final RaftCluster cluster;
  private final LongSupplier nextId;
  private final LongSupplier wallClockMillis;
  private final boolean strictReconfigCheck;
  private final PeerActivity peers;
  private final ScheduledExecutorService scheduler;
  private final ServerTimeouts timeouts;
  private final Supplier<Node> node;
  private final LongSupplier leader;
  private final Wait<Response> wait = new Wait<>();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

  MemberChanges(
      long localId,
      RaftCluster cluster,
      LongSupplier nextId,
      EtcdServerConfig cfg,
      PeerActivity peers,
      Supplier<Node> node,
      LongSupplier leader) {
    this.localId = localId;
    this.cluster = requireNonNull(cluster, "cluster");
    this.nextId = requireNonNull(nextId, "nextId");
    this.wallClockMillis = cfg.wallClockMillis();
    this.strictReconfigCheck = cfg.strictReconfigCheck();
    this.peers = requireNonNull(peers, "peers");
    this.scheduler = cfg.scheduler();
    this.timeouts = cfg.timeouts();
    this.node = requireNonNull(node, "node");
    this.leader = requireNonNull(leader, "leader");
  }

  // ---- the proposing side ----

  /** {@code AddMember}: ConfChangeAddNode, or AddLearnerNode for a learner. */
  CompletableFuture<List<Member>> addMember(Member m) {
    try {
      mayAddMember(m);
    } catch (EtcdServerException e) {
      return CompletableFuture.failedFuture(e);
    }
    ConfChange cc =
        ConfChange.newBuilder()
            .setType(
                m.isLearner()
                    ? ConfChangeType.ConfChangeAddLearnerNode
                    : ConfChangeType.ConfChangeAddNode)
            .setNodeId(m.id())
            .setContext(ByteString.copyFromUtf8(MemberJson.encode(m)))
            .build();
    return configure(cc);
  }

  /** {@code RemoveMember}: ConfChangeRemoveNode without a context. */
  CompletableFuture<List<Member>> removeMember(long id) {
    try {
      mayRemoveMember(id);
    } catch (EtcdServerException e) {
      return CompletableFuture.failedFuture(e);
    }
    return configure(
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeRemoveNode).setNodeId(id).build());
  }

  /**
   * {@code UpdateMember}: ConfChangeUpdateNode with the member JSON {@code {"id":..,"peerURLs":..}}
   * (the URLs as the client sent them; etcd neither parses nor sorts them here).
   */
  CompletableFuture<List<Member>> updateMember(long id, List<String> peerUrls) {
    Member m = new Member(id, "", peerUrls, List.of(), false);
    return configure(
        ConfChange.newBuilder()
            .setType(ConfChangeType.ConfChangeUpdateNode)
            .setNodeId(id)
            .setContext(ByteString.copyFromUtf8(MemberJson.encode(m)))
            .build());
  }

  /**
   * {@code PromoteMember}: only the leader knows whether the learner is in sync; elsewhere the
   * request goes to the leader ({@code promoteMemberHTTP}), retried until the request timeout.
   */
  CompletableFuture<List<Member>> promoteMember(long id) {
    CompletableFuture<List<Member>> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + timeouts.requestTimeout().toNanos();
    promoteOnce(id)
        .whenComplete(
            (members, err) -> {
              if (err == null) {
                result.complete(members);
              } else if (isError(err, ServerError.NOT_LEADER)) {
                forwardPromote(id, deadline, result);
              } else {
                result.completeExceptionally(unwrap(err));
              }
            });
    return track(result);
  }

  /**
   * etcd's forwarding loop: wait for a leader (an election timeout at a time), then ask it. With no
   * peer transport yet only a local leader can be asked; a remote one counts as unreachable, which
   * etcd retries until the deadline too.
   */
  private void forwardPromote(long id, long deadline, CompletableFuture<List<Member>> result) {
    if (result.isDone()) {
      return;
    }
    if (stopped) {
      result.completeExceptionally(ServerError.STOPPED.exception());
      return;
    }
    if (System.nanoTime() >= deadline) {
      boolean knowLeader = cluster.member(leader.getAsLong()).isPresent();
      result.completeExceptionally(
          (knowLeader ? ServerError.TIMEOUT : ServerError.NO_LEADER).exception());
      return;
    }
    if (leader.getAsLong() == localId) {
      promoteOnce(id)
          .whenComplete(
              (members, err) -> {
                if (err == null) {
                  result.complete(members);
                } else if (isForwardFinal(err)) {
                  result.completeExceptionally(unwrap(err));
                } else {
                  retryPromoteLater(id, deadline, result);
                }
              });
      return;
    }
    retryPromoteLater(id, deadline, result);
  }

  private void retryPromoteLater(long id, long deadline, CompletableFuture<List<Member>> result) {
    long waitNanos = Math.min(timeouts.electionTimeout().toNanos(), deadline - System.nanoTime());
    scheduler.schedule(
        () -> forwardPromote(id, deadline, result), Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
  }

  private static boolean isForwardFinal(Throwable err) {
    Throwable e = unwrap(err);
    return isError(e, ServerError.LEARNER_NOT_READY)
        || (e instanceof MembershipException me
            && (me.error() == MembershipError.ID_NOT_FOUND
                || me.error() == MembershipError.MEMBER_NOT_LEARNER));
  }

  /** {@code promoteMember}: the readiness checks, then a promote ConfChange (type AddNode). */
  private CompletableFuture<List<Member>> promoteOnce(long id) {
    return node.get()
        .status()
        .thenCompose(
            st -> {
              try {
                mayPromoteMember(id, st);
              } catch (EtcdServerException e) {
                return CompletableFuture.failedFuture(e);
              }
              ConfChange cc =
                  ConfChange.newBuilder()
                      .setType(ConfChangeType.ConfChangeAddNode)
                      .setNodeId(id)
                      .setContext(
                          ByteString.copyFromUtf8(
                              MemberJson.encode(ConfigChangeContext.promote(id))))
                      .build();
              return configureUntracked(cc);
            });
  }

  /** {@code mayAddMember}. */
  void mayAddMember(Member m) throws EtcdServerException {
    if (!strictReconfigCheck) {
      return;
    }
    if (!m.isLearner() && !cluster.isReadyToAddVotingMember()) {
      LOG.warn(
          "rejecting member add request; not enough healthy members (local member {}, requested"
              + " member {}): {}",
          Ids.toHex(localId),
          Ids.toHex(m.id()),
          ServerError.NOT_ENOUGH_STARTED_MEMBERS.text());
      throw ServerError.NOT_ENOUGH_STARTED_MEMBERS.exception();
    }
    List<Member> voters = cluster.votingMembers();
    if (numConnectedSince(healthySince(), voters) != voters.size()) {
      LOG.warn(
          "rejecting member add request; local member has not been connected to all peers,"
              + " reconfigure breaks active quorum (local member {}): {}",
          Ids.toHex(localId),
          ServerError.UNHEALTHY.text());
      throw ServerError.UNHEALTHY.exception();
    }
  }

  /** {@code mayRemoveMember}. */
  void mayRemoveMember(long id) throws EtcdServerException {
    if (!strictReconfigCheck) {
      return;
    }
    if (cluster.member(id).map(Member::isLearner).orElse(false)) {
      return; // a learner is not part of the quorum
    }
    if (!cluster.isReadyToRemoveVotingMember(id)) {
      LOG.warn(
          "rejecting member remove request; not enough healthy members (local member {},"
              + " requested member {}): {}",
          Ids.toHex(localId),
          Ids.toHex(id),
          ServerError.NOT_ENOUGH_STARTED_MEMBERS.text());
      throw ServerError.NOT_ENOUGH_STARTED_MEMBERS.exception();
    }
    if (id != localId && peers.activeSinceMillis(id).isEmpty()) {
      return; // a member that is down is not part of the active quorum
    }
    List<Member> voters = cluster.votingMembers();
    int active = numConnectedSince(healthySince(), voters);
    if (active - 1 < 1 + (voters.size() - 1) / 2) {
      LOG.warn(
          "rejecting member remove request; local member has not been connected to all peers,"
              + " reconfigure breaks active quorum (local member {}, requested member {}, active"
              + " peers {}): {}",
          Ids.toHex(localId),
          Ids.toHex(id),
          active,
          ServerError.UNHEALTHY.text());
      throw ServerError.UNHEALTHY.exception();
    }
  }

  /** {@code mayPromoteMember}: the learner must be in sync, then the quorum check. */
  void mayPromoteMember(long id, Status st) throws EtcdServerException {
    isLearnerReady(id, st);
    if (!strictReconfigCheck) {
      return;
    }
    if (!cluster.isReadyToPromoteMember(id)) {
      LOG.warn(
          "rejecting member promote request; not enough healthy members (local member {},"
              + " requested member {}): {}",
          Ids.toHex(localId),
          Ids.toHex(id),
          ServerError.NOT_ENOUGH_STARTED_MEMBERS.text());
      throw ServerError.NOT_ENOUGH_STARTED_MEMBERS.exception();
    }
  }

  /**
   * {@code isLearnerReady}: only a leader has progress; a learner whose match is below 90% of the
   * leader's is not ready. An ID raft does not track passes (3.4.23; the apply-side validation
   * answers it).
   */
  static void isLearnerReady(long id, Status st) throws EtcdServerException {
    Map<Long, ProgressView> progress = st.progress();
    if (progress.isEmpty()) {
      throw ServerError.NOT_LEADER.exception();
    }
    ProgressView learner = progress.get(id);
    if (learner == null) {
      return;
    }
    ProgressView lead = progress.get(st.id());
    long leaderMatch = lead == null ? 0 : lead.match();
    if ((double) learner.match() < (double) leaderMatch * READY_PERCENT) {
      throw ServerError.LEARNER_NOT_READY.exception();
    }
  }

  private long healthySince() {
    return wallClockMillis.getAsLong() - HEALTH_INTERVAL.toMillis();
  }

  /** {@code numConnectedSince}: self, and each peer connected since before {@code since}. */
  private int numConnectedSince(long since, List<Member> members) {
    int n = 0;
    for (Member m : members) {
      if (m.id() == localId) {
        n++;
        continue;
      }
      OptionalLong t = peers.activeSinceMillis(m.id());
      if (t.isPresent() && t.getAsLong() < since) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code configure}: stamps a fresh ID, proposes, and completes with the members after the change
   * applied, or the apply-side error. There is no server-side timeout, as in etcd: the caller
   * cancels the future when its client goes away.
   */
  CompletableFuture<List<Member>> configure(ConfChange change) {
    return track(configureUntracked(change));
  }

  private CompletableFuture<List<Member>> configureUntracked(ConfChange change) {
    if (stopped) {
      return CompletableFuture.failedFuture(ServerError.STOPPED.exception());
    }
    ConfChange cc = change.toBuilder().setId(nextId.getAsLong()).build();
    long id = cc.getId();
    CompletableFuture<List<Member>> result = new CompletableFuture<>();
    CompletableFuture<Response> applied = wait.register(id);
    CompletableFuture<Void> proposed = node.get().proposeConfChange(cc);
    proposed.whenComplete(
        (v, err) -> {
          if (err != null) {
            wait.trigger(id, null);
            result.completeExceptionally(proposeError(err));
          }
        });
    applied.whenComplete(
        (r, err) -> {
          if (r == null) {
            return; // dropped by the proposer side
          }
          LOG.info(
              "applied a configuration change through raft (local member {}, {} {})",
              Ids.toHex(localId),
              cc.getType(),
              Ids.toHex(cc.getNodeId()));
          if (r.error() != null) {
            result.completeExceptionally(r.error());
          } else {
            result.complete(r.members());
          }
        });
    result.whenComplete(
        (v, err) -> {
          if (err instanceof CancellationException) {
            wait.trigger(id, null);
            proposed.cancel(false);
          }
        });
    return result;
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    pending.add(f);
    f.whenComplete((v, err) -> pending.remove(f));
    if (stopped) {
      f.completeExceptionally(ServerError.STOPPED.exception());
    }
    return f;
  }

  /** Fails every change still waiting with {@code etcdserver: server stopped}. */
  void stop() {
    stopped = true;
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(ServerError.STOPPED.exception());
    }
  }

  private static Throwable proposeError(Throwable err) {
    Throwable e = unwrap(err);
    if (e instanceof StoppedException) {
      return ServerError.STOPPED.exception();
    }
    return e;
  }

  private static boolean isError(Throwable err, ServerError which) {
    return unwrap(err) instanceof EtcdServerException ese && ese.error() == which;
  }

  private static Throwable unwrap(Throwable err) {
    Throwable e = err;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  // ---- the applying side ----

  /**
   * {@code applyConfChange} for one committed ConfChange: a change membership rejects goes to raft
   * with NodeID 0 (so raft's pending-change bookkeeping moves on) and its error to the proposer.
   * Runs on the apply thread; waits for raft to apply the change.
   */
  Applied apply(ConfChange cc) {
    Node n = node.get();
    try {
      cluster.validateConfigurationChange(cc);
    } catch (MembershipException e) {
      n.applyConfChange(cc.toBuilder().setNodeId(RaftUtil.NONE).build()).join();
      wait.trigger(cc.getId(), new Response(cluster.members(), e));
      return new Applied(null, false);
    }
    ConfState cs = n.applyConfChange(cc).join();
    MembershipChange change = cluster.applyConfChange(cc);
    boolean removedSelf = change instanceof MembershipChange.Removed r && r.id() == localId;
    wait.trigger(cc.getId(), new Response(cluster.members(), null));
    return new Applied(cs, removedSelf);
  }
}
