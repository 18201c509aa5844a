package io.etcdj.etcdserver;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.etcdserver.idutil.IdGenerator;
import io.etcdj.etcdserver.membership.BackendMembershipStore;
import io.etcdj.etcdserver.membership.BootstrapException;
import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.InitialCluster;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.MemberJson;
import io.etcdj.etcdserver.membership.MembershipKeys;
import io.etcdj.etcdserver.membership.MembershipStore;
import io.etcdj.etcdserver.membership.RaftCluster;
import io.etcdj.etcdserver.membership.V2StoreJson;
import io.etcdj.etcdserver.v3alarm.AlarmStore;
import io.etcdj.etcdserver.wait.Wait;
import io.etcdj.etcdserver.wait.WaitTime;
import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.proto.etcdserverpb.Metadata;
import io.etcdj.proto.etcdserverpb.Request;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.raft.Config;
import io.etcdj.raft.MemoryStorage;
import io.etcdj.raft.Node;
import io.etcdj.raft.Peer;
import io.etcdj.raft.ProposalTimeoutException;
import io.etcdj.raft.RaftUtil;
import io.etcdj.raft.StoppedException;
import io.etcdj.storage.auth.AuthInfo;
import io.etcdj.storage.auth.AuthStoreConfig;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.lease.LessorConfig;
import io.etcdj.storage.node.ApplyTxn;
import io.etcdj.storage.node.NodeStore;
import io.etcdj.storage.node.NodeStoreConfig;
import io.etcdj.storage.raftstore.RaftStorage;
import io.etcdj.storage.wal.Wal;
import io.etcdj.storage.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single etcd member (etcd's {@code EtcdServer}, {@code etcdserver/server.go}): bootstrap or
 * restart from the data dir, the raft loop ({@link RaftNode}), the apply loop on its own thread
 * (etcd's FIFO scheduler), proposals with request IDs and waiters, linearizable reads, publishing
 * the member's attributes and the cluster version through raft, lease expiry through raft, and
 * snapshots every {@code --snapshot-count} applied entries.
 *
 * <p>Lifecycle: {@link #start(EtcdServerConfig)} opens and starts everything; {@link
 * #readyFuture()} completes once the member's attributes are published (etcd's {@code
 * ReadyNotify}); {@link #stop()} is idempotent.
 *
 * <p>Threading: the public methods may be called from any thread but a Netty event loop (reads open
 * store txns). Futures returned by {@link #propose} and {@link #linearizableReadNotify} complete on
 * the apply or raft thread: continue with {@code *Async} stages.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdServer.class);

  /**
   * The version this member reports (Status, /version). 3.4.31 because we follow the fixes of the
   * later 3.4 patches that clients key on (Kubernetes uses watch progress requests from 3.4.31).
   */
  public static final String SERVER_VERSION = "3.4.31";

  /** The cluster version a single 3.4 member decides: its own major.minor. */
  static final String CLUSTER_VERSION = "3.4.0";

  private static final Duration LEASE_LOOP_INTERVAL = Duration.ofMillis(500);

  private final EtcdServerConfig cfg;
  private final long memberId;
  private final long clusterId;
  private final RaftCluster cluster;
  private final NodeStore store;
  private final RaftStorage raftStorage;
  private final MemoryStorage memory;
  private final IdGenerator ids;
  private final Wait<ApplyResult> wait = new Wait<>();
  private final WaitTime appliedWait = new WaitTime();
  private final ExecutorService applyExecutor;
  private final Applier applier;
  private final Alarms alarms;
  private final AuthApplier authApplier;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private final MemberChanges memberChanges;
  private final CompletableFuture<Void> stopNotify = new CompletableFuture<>();

  private RaftNode raftNode;
  // The membership store; set by start before raft runs, then used by the apply thread only.
  private BackendMembershipStore membershipStore;
  private Node node;
  private final CorruptionCheck corruption;
  private final Housekeeping housekeeping;
  private LeadershipCheck leadership;
  private LeaseRevoker leaseRevoker;
  // Completed once node and reads are set; the apply thread waits for it before its first entry.
  private final CompletableFuture<Void> raftStarted = new CompletableFuture<>();
  private LinearizableReads reads;

  // Owned by the apply thread (volatile for readers elsewhere).
  private volatile long appliedIndex;
  private volatile long appliedTerm;
  private long snapshotIndex;
  private ConfState confState = ConfState.getDefaultInstance();
  private boolean versionProposed;

  private EtcdServer(
      EtcdServerConfig cfg,
      long memberId,
      long clusterId,
      RaftCluster cluster,
      NodeStore store,
      RaftStorage raftStorage,
      MemoryStorage memory) {
    this.cfg = cfg;
    this.memberId = memberId;
    this.clusterId = clusterId;
    this.cluster = cluster;
    this.store = store;
    this.raftStorage = raftStorage;
    this.memory = memory;
    this.ids = new IdGenerator(memberId, cfg.wallClockMillis().getAsLong());
    String hex = Long.toHexString(memberId);
    this.applyExecutor = Executors.newSingleThreadExecutor(daemon("etcd-apply-" + hex));
    this.applier = new Applier(store, this::term);
    this.alarms =
        new Alarms(
            AlarmStore.open(store.backend()),
            cfg.quotaBackendBytes(),
            store.backend()::size,
            memberId,
            this::propose);
    this.corruption =
        new CorruptionCheck(
            memberId, store, rev -> List.of(), this::linearizableReadNotify, this::raiseAlarm);
    this.housekeeping =
        new Housekeeping(
            cfg,
            memberId,
            Executors.newSingleThreadExecutor(daemon("etcd-housekeeping-" + hex)),
            Housekeeping.compactorFor(cfg, store::rev, this::compact, System::nanoTime),
            corruption::checkHashKv,
            this::isLeader,
            raftStorage.wal()::holdsLock);
    this.memberChanges =
        new MemberChanges(
            memberId, cluster, ids::next, cfg, PeerActivity.NONE, () -> node, this::leader);
    this.authApplier = new AuthApplier(store, applier, this::term);
  }

  /**
   * etcd's {@code NewServer} + {@code Start}: a data dir with a WAL restarts (the initial-cluster
   * settings are ignored, as etcd ignores them); otherwise a new single-member cluster is
   * bootstrapped from {@code --initial-cluster}.
   *
   * @throws BootstrapException when {@code --name} is not in {@code --initial-cluster}
   */
  public static EtcdServer start(EtcdServerConfig cfg) throws IOException, BootstrapException {
    requireNonNull(cfg, "cfg");
    Files.createDirectories(cfg.snapDir());
    boolean haveWal = Wal.exists(cfg.walDir());
    if (!haveWal) {
      InitialCluster ic =
          InitialCluster.fromUrlsMap(cfg.initialClusterToken(), cfg.initialCluster());
      Member self =
          ic.memberByName(cfg.name())
              .orElseThrow(
                  () ->
                      new BootstrapException(
                          "couldn't find local name \""
                              + cfg.name()
                              + "\" in the initial cluster configuration"));
      NodeStore store = openStore(cfg, self.id());
      BackendMembershipStore ms0 = new BackendMembershipStore(store.backend());
      RaftCluster cluster = newCluster(ms0);
      cluster.seed(ic);
      cluster.setIds(self.id(), ic.clusterId());
      ByteString md =
          Metadata.newBuilder()
              .setNodeID(self.id())
              .setClusterID(ic.clusterId())
              .build()
              .toByteString();
      WalOptions wo =
          new WalOptions(WalOptions.DEFAULT_SEGMENT_SIZE_BYTES, cfg.unsafeNoFsync(), self.id());
      RaftStorage rs;
      try {
        rs = RaftStorage.create(cfg.walDir(), cfg.snapDir(), md, wo);
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
      MemoryStorage ms = new MemoryStorage();
      EtcdServer s = new EtcdServer(cfg, self.id(), ic.clusterId(), cluster, store, rs, ms);
      s.membershipStore = ms0;
      List<Peer> peers = new ArrayList<>();
      for (InitialCluster.BootstrapPeer p : ic.peers()) {
        peers.add(new Peer(p.id(), p.context()));
      }
      LOG.info(
          "starting local member {} in cluster {}",
          Long.toHexString(self.id()),
          Long.toHexString(ic.clusterId()));
      s.startOrStop(HardState.getDefaultInstance(), 0, peers);
      return s;
    }
    WalOptions wo = new WalOptions(WalOptions.DEFAULT_SEGMENT_SIZE_BYTES, cfg.unsafeNoFsync(), 0);
    RaftStorage.Restarted r = RaftStorage.restart(cfg.walDir(), cfg.snapDir(), wo);
    Metadata md = Metadata.parseFrom(r.metadata());
    long id = md.getNodeID();
    long cid = md.getClusterID();
    NodeStore store;
    try {
      store = openStore(cfg, id);
    } catch (RuntimeException e) {
      r.storage().close();
      throw e;
    }
    BackendMembershipStore ms0 = new BackendMembershipStore(store.backend());
    RaftCluster cluster = newCluster(ms0);
    cluster.setIds(id, cid);
    MemoryStorage ms = new MemoryStorage();
    try {
      if (r.snapshot().isPresent()) {
        Snapshot snap = r.snapshot().get();
        try {
          ms.applySnapshot(snap);
        } catch (io.etcdj.raft.SnapOutOfDateException e) {
          throw new IllegalStateException(e);
        }
        // etcd: v2store.Recovery(snapshot.Data), then cluster.Recover; the WAL entries after the
        // snapshot replay the later changes.
        ms0.recoverV2(V2StoreJson.decode(snap.getData().toStringUtf8()));
        cluster.recover();
      }
    } catch (RuntimeException e) {
      store.close();
      r.storage().close();
      throw e;
    }
    ms.setHardState(r.hardState());
    ms.append(r.entries());
    EtcdServer s = new EtcdServer(cfg, id, cid, cluster, store, r.storage(), ms);
    s.membershipStore = ms0;
    r.snapshot()
        .ifPresent(
            snap -> {
              s.appliedIndex = snap.getMetadata().getIndex();
              s.appliedTerm = snap.getMetadata().getTerm();
              s.snapshotIndex = s.appliedIndex;
              s.confState = snap.getMetadata().getConfState();
            });
    LOG.info(
        "restarting local member {} in cluster {} at commit index {}",
        Long.toHexString(id),
        Long.toHexString(cid),
        r.hardState().getCommit());
    if (cfg.housekeeping().initialCorruptCheck()) {
      // etcd checks a member that was initialized before, before it starts (embed StartEtcd).
      try {
        s.corruption.checkInitial(cfg.timeouts().requestTimeout());
      } catch (IOException e) {
        s.stop();
        throw e;
      }
    }
    s.startOrStop(r.hardState(), r.appliedFloor(), null);
    return s;
  }

  private static RaftCluster newCluster(MembershipStore store) {
    return new RaftCluster(store, ClusterVersion.parse(SERVER_VERSION), new Capabilities()::update);
  }

  /** Starts raft; on failure closes what was opened, as a failed {@code NewServer} does. */
  private void startOrStop(HardState hs, long applied, List<Peer> peers) throws IOException {
    try {
      startRaft(hs, applied, peers);
    } catch (IOException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private static NodeStore openStore(EtcdServerConfig cfg, long memberId) {
    BackendConfig bc =
        BackendConfig.builder(cfg.backendPath()).memberId(Long.toHexString(memberId)).build();
    long minTtl = LessorConfig.minLeaseTtlFor(cfg.electionTicks(), Duration.ofMillis(cfg.tickMs()));
    LessorConfig lc =
        LessorConfig.withMinLeaseTtl(minTtl)
            .withCheckpointInterval(cfg.housekeeping().leaseCheckpointInterval())
            .withCheckpointPersist(cfg.housekeeping().leaseCheckpointPersist());
    return NodeStore.open(
        NodeStoreConfig.builder(bc)
            .lessor(lc)
            .auth(
                AuthStoreConfig.defaults()
                    .withBcryptCost(cfg.bcryptCost())
                    .withTokenTtl(Duration.ofSeconds(cfg.authTokenTtlSeconds())))
            .build());
  }

  private void startRaft(HardState hs, long applied, List<Peer> peers) throws IOException {
    String hex = Long.toHexString(memberId);
    raftNode =
        new RaftNode(
            memberId,
            raftStorage,
            memory,
            this::enqueueApply,
            states -> reads.onReadStates(states),
            this::leadershipChanged,
            hs);
    Config rc =
        Config.builder()
            .id(memberId)
            .electionTick(cfg.electionTicks())
            .heartbeatTick(1)
            .storage(memory)
            .applied(applied)
            .maxSizePerMsg(1024 * 1024)
            .maxInflightMsgs(512)
            .maxUncommittedEntriesSize(1L << 30)
            .checkQuorum(true)
            .preVote(false)
            .random(cfg.random())
            .build();
    Node.Builder nb = Node.builder(rc, daemon("etcd-raft-" + hex)).readyHandler(raftNode);
    try {
      node = peers == null ? nb.restart() : nb.start(peers);
    } catch (io.etcdj.raft.StorageException e) {
      raftStarted.completeExceptionally(e);
      throw new IOException(e);
    } catch (RuntimeException e) {
      raftStarted.completeExceptionally(e);
      throw e;
    }
    reads =
        new LinearizableReads(
            node, ids, appliedWait, cfg.scheduler(), cfg.timeouts().requestTimeout());
    startLeaseDuties();
    raftStarted.complete(null);
    // etcd's InitialElectionTickAdvance: a member with no peers to hear from campaigns after one
    // more tick instead of a whole election timeout.
    for (int i = 0; i < cfg.electionTicks() - 1; i++) {
      node.tick();
    }
    synchronized (timers) {
      timers.add(
          cfg.scheduler()
              .scheduleAtFixedRate(node::tick, cfg.tickMs(), cfg.tickMs(), TimeUnit.MILLISECONDS));
      timers.add(
          cfg.scheduler()
              .scheduleWithFixedDelay(
                  this::revokeExpiredLeases,
                  LEASE_LOOP_INTERVAL.toMillis(),
                  LEASE_LOOP_INTERVAL.toMillis(),
                  TimeUnit.MILLISECONDS));
    }
    housekeeping.start();
    housekeeping.leadershipChanged();
    publish();
  }

  /** The 3.4.31 leadership check before lease revokes and checkpoints, and the checkpointer. */
  private void startLeaseDuties() {
    leadership =
        new LeadershipCheck(
            memberId,
            node::lastTickNanos,
            System::nanoTime,
            cfg.tickMs(),
            this::linearizableReadNotify,
            this::leader);
    leaseRevoker =
        new LeaseRevoker(
            memberId,
            leadership::ensure,
            id ->
                propose(
                        InternalRaftRequest.newBuilder()
                            .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id))
                            .build(),
                        asRoot())
                    .thenApply(EtcdServer::orThrow),
            stopped::get);
    if (cfg.housekeeping().enableLeaseCheckpoint()) {
      store.lessor().setCheckpointer(new LeaseCheckpoints(memberId, leadership, this::propose));
    }
  }

  /** The auto-compactor's compaction: through raft, failing with the apply error. */
  private CompletableFuture<?> compact(long rev) {
    return propose(
            InternalRaftRequest.newBuilder()
                .setCompaction(
                    io.etcdj.proto.etcdserverpb.CompactionRequest.newBuilder().setRevision(rev))
                .build())
        .thenApply(EtcdServer::orThrow);
  }

  /** etcd's corruption alarm goes through raft like any alarm request. */
  private void raiseAlarm(io.etcdj.proto.etcdserverpb.AlarmRequest a) {
    propose(InternalRaftRequest.newBuilder().setAlarm(a).build())
        .whenComplete(
            (ar, err) -> {
              if (err != null) {
                LOG.atWarn()
                    .addKeyValue("error", Failures.message(err))
                    .log("failed to raise the corruption alarm");
              }
            });
  }

  private static ApplyResult orThrow(ApplyResult ar) {
    if (ar.error() != null) {
      throw new CompletionException(ar.error());
    }
    return ar;
  }

  // ---- accessors for the gRPC layer and embed ----

  public long memberId() {
    return memberId;
  }

  public long clusterId() {
    return clusterId;
  }

  public String name() {
    return cfg.name();
  }

  public EtcdServerConfig config() {
    return cfg;
  }

  /** The raft term as last persisted. */
  public long term() {
    return raftNode.term();
  }

  /** The current leader's ID, 0 if none. */
  public long leader() {
    return raftNode.lead();
  }

  public boolean isLeader() {
    return raftNode.isLeader();
  }

  /** Leaders this member has seen ({@code etcd_server_leader_changes_seen_total}). */
  public long leaderChanges() {
    return raftNode.leaderChanges();
  }

  public long committedIndex() {
    return raftNode.committedIndex();
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public NodeStore store() {
    return store;
  }

  public RaftCluster cluster() {
    return cluster;
  }

  /** The alarms and the backend quota (Maintenance.Alarm, Status errors, /health, quota checks). */
  public Alarms alarms() {
    return alarms;
  }

  /** A header filler with this member's IDs, the raft term and the store revision. */
  public ResponseHeaders headers() {
    return new ResponseHeaders(clusterId, memberId, this::term, store::rev);
  }

  /** Completes once this member's attributes are published through raft (etcd ReadyNotify). */
  public CompletableFuture<Void> readyFuture() {
    return ready;
  }

  /** A local range read (the caller waited for a linearizable read notification if needed). */
  public io.etcdj.proto.etcdserverpb.RangeResponse range(io.etcdj.proto.etcdserverpb.RangeRequest r)
      throws io.etcdj.storage.mvcc.MvccException {
    try (io.etcdj.storage.node.ReadTxn t = store.read()) {
      return Applier.range(t, r);
    }
  }

  /** A read-only txn served locally (etcd does not send these through raft). */
  public io.etcdj.proto.etcdserverpb.TxnResponse readOnlyTxn(
      io.etcdj.proto.etcdserverpb.TxnRequest r) throws io.etcdj.storage.mvcc.MvccException {
    return applier.readOnlyTxn(r);
  }

  /** {@code isTxnReadonly}: every op, nested too, is a range. */
  public static boolean isTxnReadOnly(io.etcdj.proto.etcdserverpb.TxnRequest r) {
    return Applier.isReadOnly(r);
  }

  /** {@code checkTxnAuth}: the caller may read every compare and run every op of both branches. */
  public static void checkTxnAuth(
      io.etcdj.storage.auth.AuthStore auth, AuthInfo ai, io.etcdj.proto.etcdserverpb.TxnRequest r)
      throws io.etcdj.storage.auth.AuthException {
    AuthApplier.checkTxn(auth, ai, r);
  }

  /** The next ID from this member's generator (lease IDs, etcd's {@code reqIDGen}). */
  public long nextId() {
    return ids.next();
  }

  // ---- proposals ----

  /**
   * Proposes a v3 request and completes with its apply result (etcd {@code
   * processInternalRaftRequestOnce}); fails with {@code etcdserver: request timed out} after the
   * request timeout, {@code etcdserver: request is too large} above {@code --max-request-bytes},
   * {@code etcdserver: too many requests} when apply lags commit by more than 5000 entries, {@code
   * etcdserver: server stopped} once stopped.
   */
  public CompletableFuture<ApplyResult> propose(InternalRaftRequest r) {
    return propose(r, null);
  }

  /**
   * {@link #propose(InternalRaftRequest)} on behalf of a user: the header carries {@code ai}'s name
   * and auth revision, which the apply checks permissions with (etcd's {@code AuthInfoFromCtx} in
   * {@code processInternalRaftRequestOnce}); null for a request without credentials.
   */
  public CompletableFuture<ApplyResult> propose(InternalRaftRequest r, AuthInfo ai) {
    if (stopped.get()) {
      return CompletableFuture.failedFuture(ServerError.STOPPED.exception());
    }
    RaftRequests.Proposal p;
    try {
      RaftRequests.checkApplyLag(committedIndex(), appliedIndex);
      p =
          RaftRequests.prepare(
              r,
              ids.next(),
              ai == null ? "" : ai.username(),
              ai == null ? 0 : ai.revision(),
              cfg.maxRequestBytes());
    } catch (EtcdServerException e) {
      return CompletableFuture.failedFuture(e);
    }
    return proposeData(p.waitId(), p.data());
  }

  private CompletableFuture<ApplyResult> proposeData(long waitId, ByteString data) {
    CompletableFuture<ApplyResult> result = new CompletableFuture<>();
    CompletableFuture<ApplyResult> registered = wait.register(waitId);
    registered.whenComplete(
        (ar, err) -> {
          if (ar != null) {
            result.complete(ar);
          } else if (stopped.get()) {
            result.completeExceptionally(ServerError.STOPPED.exception());
          }
        });
    Duration timeout = cfg.timeouts().requestTimeout();
    ScheduledFuture<?> timer =
        cfg.scheduler()
            .schedule(
                () -> {
                  result.completeExceptionally(ServerError.TIMEOUT.exception());
                  wait.trigger(waitId, null);
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    result.whenComplete((ar, err) -> timer.cancel(false));
    node.propose(data, System.nanoTime() + timeout.toNanos())
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                result.completeExceptionally(proposeError(err));
                wait.trigger(waitId, null);
              }
            });
    return result;
  }

  private static Throwable proposeError(Throwable err) {
    Throwable e =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (e instanceof ProposalTimeoutException) {
      return ServerError.TIMEOUT.exception();
    }
    if (e instanceof StoppedException) {
      return ServerError.STOPPED.exception();
    }
    return e;
  }

  /** Completes once a linearizable read may be served locally (etcd linearizableReadNotify). */
  public CompletableFuture<Void> linearizableReadNotify() {
    if (stopped.get()) {
      return CompletableFuture.failedFuture(ServerError.STOPPED.exception());
    }
    return reads.readNotify();
  }

  // ---- membership changes (MemberChanges) ----

  /**
   * {@code AddMember}: proposes the member (a learner if {@link Member#isLearner}) and completes
   * with the members once it applied. There is no server-side timeout (as etcd's {@code
   * configure}): cancel the future when the client goes away.
   */
  public CompletableFuture<List<Member>> addMember(Member m) {
    return memberChanges.addMember(m);
  }

  /** {@code RemoveMember}; see {@link #addMember}. */
  public CompletableFuture<List<Member>> removeMember(long id) {
    return memberChanges.removeMember(id);
  }

  /** {@code UpdateMember}: new peer URLs for {@code id}; see {@link #addMember}. */
  public CompletableFuture<List<Member>> updateMember(long id, List<String> peerUrls) {
    return memberChanges.updateMember(id, peerUrls);
  }

  /** {@code PromoteMember}: the learner {@code id} becomes a voter; see {@link #addMember}. */
  public CompletableFuture<List<Member>> promoteMember(long id) {
    return memberChanges.promoteMember(id);
  }

  /**
   * Completes once the server has stopped itself (etcd's {@code StopNotify} after {@code errorc}):
   * the local member was removed from the cluster; fails when applying failed (where etcd panics).
   * Not completed by {@link #stop}.
   */
  public CompletableFuture<Void> stopNotify() {
    return stopNotify;
  }

  /** etcd's {@code stopWithDelay} then the run loop's {@code errorc} branch. */
  private void stopRemovedSelf() {
    String err = "the member has been permanently removed from the cluster";
    cfg.scheduler()
        .schedule(
            () -> {
              Thread t =
                  daemon("etcd-stop-" + Long.toHexString(memberId))
                      .newThread(
                          () -> {
                            LOG.atWarn()
                                .addKeyValue("local-member-id", Long.toHexString(memberId))
                                .addKeyValue("error", err)
                                .log("server error");
                            LOG.atWarn()
                                .addKeyValue("local-member-id", Long.toHexString(memberId))
                                .log("data-dir used by this member must be removed");
                            stop();
                            stopNotify.complete(null);
                          });
              t.start();
            },
            1,
            TimeUnit.SECONDS);
  }

  /**
   * etcd panics when applying fails (e.g. raft's "removed all voters" when the last voter removes
   * itself): this member stops, and {@link #stopNotify} fails with the cause.
   */
  private void applyFailed(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (stopNotify.completeExceptionally(cause)) {
      daemon("etcd-stop-" + Long.toHexString(memberId)).newThread(this::stop).start();
    }
  }

  // ---- publish, version, leases ----

  /** etcd's {@code publish}: retried until applied or stopped. */
  private void publish() {
    if (stopped.get()) {
      return;
    }
    Request req =
        RaftRequests.publish(
            ids.next(), memberId, new Member.Attributes(cfg.name(), cfg.clientUrls()));
    proposeData(req.getID(), req.toByteString())
        .whenComplete(
            (ar, err) -> {
              if (err == null) {
                LOG.info(
                    "published local member to cluster through raft: {} {}",
                    cfg.name(),
                    cfg.clientUrls());
                ready.complete(null);
              } else if (!stopped.get()) {
                LOG.warn(
                    "failed to publish local member to cluster through raft: {}", err.toString());
                cfg.scheduler().execute(this::publish);
              }
            });
  }

  private void proposeClusterVersion() {
    Request req = RaftRequests.clusterVersion(ids.next(), CLUSTER_VERSION);
    proposeData(req.getID(), req.toByteString())
        .whenComplete(
            (ar, err) -> {
              if (err != null) {
                LOG.warn("failed to update the cluster version: {}", err.toString());
              }
            });
  }

  private void leadershipChanged(boolean leader) {
    if (!leader) {
      store.lessor().demote();
    }
    housekeeping.leadershipChanged();
  }

  /** etcd's {@code run} loop's expired-lease branch: the leader revokes through raft. */
  private void revokeExpiredLeases() {
    if (stopped.get() || !isLeader()) {
      return;
    }
    try {
      store.lessor().run();
      leaseRevoker.revoke(store.lessor().pollExpiredLeases().stream().map(Lease::id).toList());
    } catch (RuntimeException e) {
      LOG.warn("lease loop failed", e);
    }
  }

  /**
   * etcd's {@code AuthStore().WithRoot}: the server's own requests (expired-lease revokes) act as
   * root, so permission checks do not refuse them; null while auth is disabled.
   */
  private AuthInfo asRoot() {
    return store.auth().isEnabled()
        ? new AuthInfo(io.etcdj.storage.auth.AuthStore.ROOT, store.auth().revision())
        : null;
  }

  // ---- the apply loop ----

  private void enqueueApply(ToApply ap) {
    applyExecutor.execute(
        () -> {
          try {
            // The raft loop may hand over committed entries (a restart's replay) before
            // startRaft has stored the Node that applying a conf change needs.
            raftStarted.join();
            applyAll(ap);
          } catch (RuntimeException | Error e) {
            // etcd panics here; log loudly so the failure is never silent, then rethrow.
            LOG.error("apply loop failed at applied index {}", appliedIndex, e);
            applyFailed(e);
            throw e;
          }
        });
  }

  /** etcd's {@code applyAll}: snapshot, then entries, then the snapshot trigger. */
  private void applyAll(ToApply ap) {
    if (!RaftUtil.isEmptySnap(ap.snapshot())) {
      ap.persisted().join();
      // A single member never receives a snapshot from a leader; clusters bring applySnapshot.
      throw new IllegalStateException("a single member received a raft snapshot to apply");
    }
    List<Entry> ents = ap.entries();
    if (!ents.isEmpty()) {
      long firsti = ents.get(0).getIndex();
      if (firsti > appliedIndex + 1) {
        throw new IllegalStateException(
            "first index of committed entry["
                + firsti
                + "] should <= appliedi["
                + appliedIndex
                + "] + 1");
      }
      for (Entry e : ents) {
        if (e.getIndex() <= appliedIndex) {
          continue;
        }
        switch (e.getType()) {
          case EntryNormal -> applyEntryNormal(e);
          case EntryConfChange -> applyConfChange(e);
          case EntryConfChangeV2 -> applyConfChangeV2(e);
          default -> throw new IllegalStateException("unknown entry type " + e.getType());
        }
        appliedIndex = e.getIndex();
        appliedTerm = e.getTerm();
      }
      appliedWait.trigger(appliedIndex);
    }
    // The raft loop must have written this Ready's entries before a snapshot may name them.
    ap.persisted().join();
    maybeSnapshot();
    Runnable after = ap.afterApply().join();
    if (after != null) {
      after.run();
    }
  }

  private void applyEntryNormal(Entry e) {
    boolean shouldApplyV3 = e.getIndex() > store.consistentIndex();
    EntryPayload payload = EntryPayload.decode(e.getData());
    if (payload instanceof EntryPayload.Empty) {
      markApplied(e, shouldApplyV3);
      if (isLeader()) {
        store.lessor().promote(cfg.timeouts().electionTimeout());
        if (cluster.version().isEmpty() && !versionProposed) {
          versionProposed = true;
          proposeClusterVersion();
        }
      }
    } else if (payload instanceof EntryPayload.V2 v2) {
      applyV2(v2.request());
      markApplied(e, shouldApplyV3);
      wait.trigger(v2.request().getID(), ApplyResult.of(null));
    } else if (payload instanceof EntryPayload.V3 v3) {
      if (!shouldApplyV3) {
        return;
      }
      InternalRaftRequest r = v3.request();
      long id = v3.waitId();
      boolean needResult = wait.isRegistered(id);
      ApplyResult ar = null;
      try (ApplyTxn a = store.beginApply(e.getIndex())) {
        if (needResult || !EntryPayload.noSideEffect(r)) {
          if (!needResult && r.hasTxn()) {
            r = r.toBuilder().setTxn(EntryPayload.removeNeedlessRangeReqs(r.getTxn())).build();
          }
          ar = alarms.apply(a, r, authApplier::apply);
        }
      }
      ApplyResult result = ar;
      if (ar != null && !alarms.raiseOnNoSpace(ar, () -> wait.trigger(id, result))) {
        wait.trigger(id, ar);
      }
    }
  }

  private void markApplied(Entry e, boolean shouldApplyV3) {
    if (shouldApplyV3) {
      store.beginApply(e.getIndex()).close();
    }
  }

  /** {@code applyV2Request} for the membership keys a 3.4 member proposes. */
  private void applyV2(Request r) {
    if (!"PUT".equals(r.getMethod())) {
      return;
    }
    String path = r.getPath();
    if (MembershipKeys.isMemberAttributesPath(path)) {
      long id = MembershipKeys.memberIdFromKey(path.substring(0, path.lastIndexOf('/')));
      cluster.updateAttributes(id, MemberJson.decodeAttributes(r.getVal()));
    } else if (MembershipKeys.STORE_CLUSTER_VERSION_KEY.equals(path)) {
      cluster.setVersion(ClusterVersion.parse(r.getVal()));
    }
  }

  private void applyConfChange(Entry e) {
    ConfChange cc;
    try {
      cc = ConfChange.parseFrom(e.getData());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("unmarshal should never fail", ex);
    }
    if (e.getIndex() > store.consistentIndex()) {
      store.beginApply(e.getIndex()).close();
    }
    MemberChanges.Applied applied = memberChanges.apply(cc);
    if (applied.confState() != null) {
      confState = applied.confState();
    }
    if (applied.removedSelf()) {
      stopRemovedSelf();
    }
  }

  private void applyConfChangeV2(Entry e) {
    ConfChangeV2 cc;
    try {
      cc = ConfChangeV2.parseFrom(e.getData());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("unmarshal should never fail", ex);
    }
    if (e.getIndex() > store.consistentIndex()) {
      store.beginApply(e.getIndex()).close();
    }
    confState = node.applyConfChange(cc).join();
  }

  /** etcd's {@code triggerSnapshot} + {@code snapshot} for the applied state of one member. */
  private void maybeSnapshot() {
    if (appliedIndex - snapshotIndex <= cfg.snapshotCount()) {
      return;
    }
    long idx = appliedIndex;
    try {
      // The backend's consistent index must be on disk before a snapshot names the entries.
      store.backend().forceCommit();
      ByteString data = ByteString.copyFromUtf8(V2StoreJson.encode(membershipStore.snapshotV2()));
      Snapshot snap = memory.createSnapshot(idx, confState, data);
      raftStorage.saveSnap(snap);
      raftStorage.release(snap);
      long compactIndex = 1;
      if (idx > EtcdServerConfig.SNAPSHOT_CATCH_UP_ENTRIES) {
        compactIndex = idx - EtcdServerConfig.SNAPSHOT_CATCH_UP_ENTRIES;
      }
      snapshotIndex = idx;
      try {
        memory.compact(compactIndex);
      } catch (io.etcdj.raft.CompactedException e) {
        // Already compacted this far by an earlier snapshot: nothing to do (etcd ignores it too).
      }
      LOG.info("saved snapshot at index {}; compacted raft logs at {}", idx, compactIndex);
    } catch (IOException | io.etcdj.raft.RaftException e) {
      throw new IllegalStateException("failed to save snapshot at index " + idx, e);
    }
  }

  // ---- stop ----

  /** etcd's {@code Stop}: raft, then the apply loop, then the store and the WAL. Idempotent. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    synchronized (timers) {
      timers.forEach(t -> t.cancel(false));
    }
    housekeeping.stop();
    if (reads != null) {
      reads.stop(ServerError.STOPPED.exception());
    }
    memberChanges.stop();
    if (node != null) {
      node.stop();
    }
    applyExecutor.shutdown();
    try {
      if (!applyExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("apply loop did not stop in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What was applied has been answered; the rest will never be (etcd's ErrStopped on stopping).
    wait.triggerAll();
    ready.completeExceptionally(ServerError.STOPPED.exception());
    try {
      store.close();
    } finally {
      try {
        raftStorage.close();
      } catch (IOException e) {
        LOG.warn("failed to close the WAL", e);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  long appliedTerm() {
    return appliedTerm;
  }

  void checkRunning() {
    checkState(!stopped.get(), "server stopped");
  }
}
