package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.etcdj.etcdserver.membership.Member.Attributes;
import io.etcdj.etcdserver.membership.Member.RaftAttributes;
import io.etcdj.etcdserver.types.Ids;
import io.etcdj.proto.raftpb.ConfChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of one raft cluster ({@code membership.RaftCluster}): the in-memory view every reader
 * uses, kept in step with a {@link MembershipStore}. Configuration changes are validated against
 * the <em>store</em>, not the memory view, exactly as etcd does: at bootstrap the memory view
 * already holds the initial members while the store is empty, so the bootstrap ConfChange entries
 * are valid and, when applied, write the store.
 *
 * <p>Thread-safe: readers (gRPC member list, the peer {@code /members} handler) may call from any
 * thread; mutations come from the apply thread. The store is written under this object's lock so
 * memory and store never disagree for a reader; the version listener runs after the lock is
 * released.
 */
public final class RaftCluster {
  private static final Logger LOG = LoggerFactory.getLogger(RaftCluster.class);

  /** {@code maxLearners}. */
  public static final int MAX_LEARNERS = 1;

  private final MembershipStore store;
  private final ClusterVersion localVersion;
  private final Consumer<ClusterVersion> onVersionSet;

  private final Object mu = new Object();

  @GuardedBy("mu")
  private long localId;

  @GuardedBy("mu")
  private long clusterId;

  @GuardedBy("mu")
  private ClusterVersion version;

  @GuardedBy("mu")
  private final Map<Long, Member> members = new HashMap<>();

  @GuardedBy("mu")
  private final Set<Long> removed = new HashSet<>();

  /**
   * @param store where membership persists
   * @param localServerVersion this binary's version (e.g. 3.4.23); a cluster version above its
   *     major.minor is a fatal downgrade
   * @param onVersionSet told of each cluster version set or recovered ({@code
   *     api.UpdateCapability}); runs on the applying thread
   */
  public RaftCluster(
      MembershipStore store,
      ClusterVersion localServerVersion,
      Consumer<ClusterVersion> onVersionSet) {
    this.store = requireNonNull(store, "store");
    this.localVersion = requireNonNull(localServerVersion, "localServerVersion");
    this.onVersionSet = requireNonNull(onVersionSet, "onVersionSet");
  }

  /**
   * Seeds the memory view with the bootstrap members and the cluster ID computed from them ({@code
   * NewClusterFromURLsMap}); the store stays untouched until their ConfChange entries apply.
   */
  public void seed(InitialCluster initial) {
    synchronized (mu) {
      members.clear();
      for (Member m : initial.members()) {
        members.put(m.id(), m);
      }
      clusterId = initial.clusterId();
    }
  }

  /**
   * Seeds the memory view with members learned from a running cluster ({@code
   * NewClusterFromMembers}, joining with {@code --initial-cluster-state existing}).
   */
  public void seed(long clusterId, Collection<Member> initialMembers) {
    synchronized (mu) {
      members.clear();
      for (Member m : initialMembers) {
        members.put(m.id(), m);
      }
      this.clusterId = clusterId;
    }
  }

  /** {@code SetID}. */
  public void setIds(long localId, long clusterId) {
    synchronized (mu) {
      this.localId = localId;
      this.clusterId = clusterId;
    }
  }

  /** The cluster ID. */
  public long id() {
    synchronized (mu) {
      return clusterId;
    }
  }

  public long localId() {
    synchronized (mu) {
      return localId;
    }
  }

  /** All members sorted by ID (unsigned), as {@code /members} and {@code MemberList} list them. */
  public List<Member> members() {
    synchronized (mu) {
      return sorted(members.values());
    }
  }

  public Optional<Member> member(long id) {
    synchronized (mu) {
      return Optional.ofNullable(members.get(id));
    }
  }

  public List<Member> votingMembers() {
    synchronized (mu) {
      return sorted(members.values().stream().filter(m -> !m.isLearner()).toList());
    }
  }

  /**
   * {@code MemberByName}: the member with {@code name}, if any.
   *
   * @throws IllegalStateException when two members have that name (etcd panics)
   */
  public Optional<Member> memberByName(String name) {
    synchronized (mu) {
      Member found = null;
      for (Member m : members.values()) {
        if (m.name().equals(name)) {
          if (found != null) {
            throw new IllegalStateException(
                "two members with the given name \"" + name + "\" exist");
          }
          found = m;
        }
      }
      return Optional.ofNullable(found);
    }
  }

  /** Member IDs, sorted unsigned. */
  public List<Long> memberIds() {
    return members().stream().map(Member::id).toList();
  }

  public List<Long> votingMemberIds() {
    return votingMembers().stream().map(Member::id).toList();
  }

  public boolean isIdRemoved(long id) {
    synchronized (mu) {
      return removed.contains(id);
    }
  }

  public boolean isMemberExist(long id) {
    synchronized (mu) {
      return members.containsKey(id);
    }
  }

  /** Every member's peer URLs, sorted. */
  public List<String> peerUrls() {
    List<String> urls = new ArrayList<>();
    members().forEach(m -> urls.addAll(m.peerUrls()));
    urls.sort(null);
    return urls;
  }

  /** Every member's client URLs, sorted. */
  public List<String> clientUrls() {
    List<String> urls = new ArrayList<>();
    members().forEach(m -> urls.addAll(m.clientUrls()));
    urls.sort(null);
    return urls;
  }

  /**
   * {@code IsLocalMemberLearner}.
   *
   * @throws IllegalStateException when the local member is unknown (etcd panics)
   */
  public boolean isLocalMemberLearner() {
    synchronized (mu) {
      Member m = members.get(localId);
      if (m == null) {
        throw new IllegalStateException(
            "failed to find local ID "
                + Ids.toHex(localId)
                + " in cluster "
                + Ids.toHex(clusterId));
      }
      return m.isLearner();
    }
  }

  /** {@code Recover}: reloads members, removed IDs and the version from the store. */
  public void recover() {
    ClusterVersion v;
    synchronized (mu) {
      members.clear();
      members.putAll(store.members());
      removed.clear();
      removed.addAll(store.removed());
      version = store.clusterVersion().map(ClusterVersion::parse).orElse(null);
      v = version;
      checkNotDowngrade(v);
    }
    if (v != null) {
      onVersionSet.accept(v);
    }
  }

  /**
   * {@code ValidateConfigurationChange}: whether {@code cc} may apply, judged against the store.
   *
   * @throws MembershipException with etcd's error when it may not
   * @throws IllegalArgumentException when the context JSON does not parse (etcd panics)
   */
  public void validateConfigurationChange(ConfChange cc) throws MembershipException {
    Map<Long, Member> stored = store.members();
    Set<Long> storedRemoved = store.removed();
    long id = cc.getNodeId();
    if (storedRemoved.contains(id)) {
      throw MembershipError.ID_REMOVED.exception();
    }
    switch (cc.getType()) {
      case ConfChangeAddNode, ConfChangeAddLearnerNode -> {
        ConfigChangeContext ctx = MemberJson.decodeConfigChangeContext(context(cc));
        Member existing = stored.get(id);
        if (ctx.isPromote()) {
          if (existing == null) {
            throw MembershipError.ID_NOT_FOUND.exception();
          }
          if (!existing.isLearner()) {
            throw MembershipError.MEMBER_NOT_LEARNER.exception();
          }
        } else {
          if (existing != null) {
            throw MembershipError.ID_EXISTS.exception();
          }
          Set<String> urls = new HashSet<>();
          stored.values().forEach(m -> urls.addAll(m.peerUrls()));
          for (String u : ctx.member().peerUrls()) {
            if (urls.contains(u)) {
              throw MembershipError.PEER_URL_EXISTS.exception();
            }
          }
          if (ctx.member().isLearner()) {
            long learners = stored.values().stream().filter(Member::isLearner).count();
            if (learners + 1 > MAX_LEARNERS) {
              throw MembershipError.TOO_MANY_LEARNERS.exception();
            }
          }
        }
      }
      case ConfChangeRemoveNode -> {
        if (!stored.containsKey(id)) {
          throw MembershipError.ID_NOT_FOUND.exception();
        }
      }
      case ConfChangeUpdateNode -> {
        if (!stored.containsKey(id)) {
          throw MembershipError.ID_NOT_FOUND.exception();
        }
        Set<String> urls = new HashSet<>();
        stored.values().stream().filter(m -> m.id() != id).forEach(m -> urls.addAll(m.peerUrls()));
        Member m = MemberJson.decodeMember(context(cc));
        for (String u : m.peerUrls()) {
          if (urls.contains(u)) {
            throw MembershipError.PEER_URL_EXISTS.exception();
          }
        }
      }
    }
  }

  /**
   * The membership half of etcd's {@code applyConfChange} for a change that {@link
   * #validateConfigurationChange} accepted (the caller applies it to raft too; a rejected change
   * goes to raft with NodeID 0 instead).
   *
   * @throws IllegalStateException when the context's member ID differs from the NodeID (etcd
   *     panics: "nodeID should always be equal to member ID")
   */
  public MembershipChange applyConfChange(ConfChange cc) {
    switch (cc.getType()) {
      case ConfChangeAddNode, ConfChangeAddLearnerNode -> {
        ConfigChangeContext ctx = MemberJson.decodeConfigChangeContext(context(cc));
        checkSameId(cc, ctx.member().id());
        if (ctx.isPromote()) {
          promoteMember(ctx.member().id());
          return new MembershipChange.Promoted(ctx.member().id());
        }
        addMember(ctx.member());
        return new MembershipChange.Added(ctx.member());
      }
      case ConfChangeRemoveNode -> {
        removeMember(cc.getNodeId());
        return new MembershipChange.Removed(cc.getNodeId());
      }
      case ConfChangeUpdateNode -> {
        Member m = MemberJson.decodeMember(context(cc));
        checkSameId(cc, m.id());
        updateRaftAttributes(m.id(), m.raftAttributes());
        return new MembershipChange.Updated(member(m.id()).orElseThrow());
      }
    }
    throw new IllegalStateException("unknown ConfChange type " + cc.getType());
  }

  /** {@code AddMember}: saves {@code m} to the store and the memory view. */
  public void addMember(Member m) {
    synchronized (mu) {
      store.saveMember(m);
      members.put(m.id(), m);
    }
    LOG.info(
        "added member {} {} to cluster {}",
        Ids.toHex(m.id()),
        m.peerUrls(),
        Ids.toHex(clusterIdForLog()));
  }

  /** {@code RemoveMember}: deletes {@code id} and records it as removed (IDs are never reused). */
  public void removeMember(long id) {
    boolean known;
    synchronized (mu) {
      store.deleteMember(id);
      known = members.remove(id) != null;
      removed.add(id);
    }
    if (known) {
      LOG.info("removed member {} from cluster {}", Ids.toHex(id), Ids.toHex(clusterIdForLog()));
    } else {
      LOG.warn("skipped removing already removed member {}", Ids.toHex(id));
    }
  }

  /**
   * {@code UpdateAttributes} (an applied publish). A removed member's publish is skipped.
   *
   * @throws IllegalStateException for a member neither present nor removed (etcd panics)
   */
  public void updateAttributes(long id, Attributes attrs) {
    synchronized (mu) {
      Member m = members.get(id);
      if (m != null) {
        Member updated = m.withAttributes(attrs);
        members.put(id, updated);
        store.updateAttributes(updated);
        return;
      }
      if (!removed.contains(id)) {
        throw new IllegalStateException(
            "error updating attributes of unknown member " + Ids.toHex(id));
      }
    }
    LOG.warn("skipped updating attributes of removed member {}", Ids.toHex(id));
  }

  /** {@code PromoteMember}: the learner becomes a voter. */
  public void promoteMember(long id) {
    synchronized (mu) {
      Member m = requireMember(id);
      Member updated = m.withRaftAttributes(new RaftAttributes(m.peerUrls(), false));
      members.put(id, updated);
      store.updateRaftAttributes(updated);
    }
    LOG.info("promote member {} in cluster {}", Ids.toHex(id), Ids.toHex(clusterIdForLog()));
  }

  /** {@code UpdateRaftAttributes}. */
  public void updateRaftAttributes(long id, RaftAttributes ra) {
    synchronized (mu) {
      Member updated = requireMember(id).withRaftAttributes(ra);
      members.put(id, updated);
      store.updateRaftAttributes(updated);
    }
    LOG.info("updated member {} {}", Ids.toHex(id), ra.peerUrls());
  }

  /** The cluster version, if decided. */
  public Optional<ClusterVersion> version() {
    synchronized (mu) {
      return Optional.ofNullable(version);
    }
  }

  /**
   * {@code SetVersion} (an applied {@code PUT /0/version}).
   *
   * @throws IllegalStateException when {@code v} is above this binary's major.minor (etcd exits:
   *     "cluster cannot be downgraded")
   */
  public void setVersion(ClusterVersion v) {
    synchronized (mu) {
      if (version != null) {
        LOG.info("updated the cluster version from {} to {}", version.cluster(), v.cluster());
      } else {
        LOG.info("set the initial cluster version to {}", v.cluster());
      }
      version = v;
      checkNotDowngrade(v);
      store.saveClusterVersion(v.toString());
    }
    onVersionSet.accept(v);
  }

  /**
   * {@code IsReadyToAddVotingMember}: after adding one more voter, enough started voters remain for
   * a quorum (or the cluster is one started member, the restore case).
   */
  public boolean isReadyToAddVotingMember() {
    int nmembers = 1;
    int nstarted = 0;
    for (Member m : votingMembers()) {
      if (m.isStarted()) {
        nstarted++;
      }
      nmembers++;
    }
    if (nstarted == 1 && nmembers == 2) {
      return true;
    }
    return quorumKept(nstarted, nmembers, "add");
  }

  /** {@code IsReadyToRemoveVotingMember}. */
  public boolean isReadyToRemoveVotingMember(long id) {
    int nmembers = 0;
    int nstarted = 0;
    for (Member m : votingMembers()) {
      if (m.id() == id) {
        continue;
      }
      if (m.isStarted()) {
        nstarted++;
      }
      nmembers++;
    }
    return quorumKept(nstarted, nmembers, "remove");
  }

  /** {@code IsReadyToPromoteMember}: the learner counts as a started voter. */
  public boolean isReadyToPromoteMember(long id) {
    int nmembers = 1;
    int nstarted = 1;
    for (Member m : votingMembers()) {
      if (m.isStarted()) {
        nstarted++;
      }
      nmembers++;
    }
    return quorumKept(nstarted, nmembers, "promote");
  }

  private static boolean quorumKept(int nstarted, int nmembers, String op) {
    int nquorum = nmembers / 2 + 1;
    if (nstarted < nquorum) {
      LOG.warn(
          "Reject {} member request: the number of started member ({}) will be less than the"
              + " quorum number of the cluster ({})",
          op,
          nstarted,
          nquorum);
      return false;
    }
    return true;
  }

  @GuardedBy("mu")
  private void checkNotDowngrade(ClusterVersion cv) {
    if (cv != null && localVersion.majorMinor().lessThan(cv)) {
      throw new IllegalStateException(
          "cluster cannot be downgraded (current version: "
              + localVersion
              + " is lower than determined cluster version: "
              + cv.cluster()
              + ").");
    }
  }

  @GuardedBy("mu")
  private Member requireMember(long id) {
    Member m = members.get(id);
    if (m == null) {
      throw new IllegalStateException("member " + Ids.toHex(id) + " is not in the cluster");
    }
    return m;
  }

  private long clusterIdForLog() {
    synchronized (mu) {
      return clusterId;
    }
  }

  private static void checkSameId(ConfChange cc, long memberId) {
    if (cc.getNodeId() != memberId) {
      throw new IllegalStateException("nodeID should always be equal to member ID");
    }
  }

  private static String context(ConfChange cc) {
    ByteBuffer bb = cc.getContext().asReadOnlyByteBuffer();
    return StandardCharsets.UTF_8.decode(bb).toString();
  }

  private static List<Member> sorted(Collection<Member> ms) {
    List<Member> out = new ArrayList<>(ms);
    out.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    return out;
  }

  /** {@code cluster.genID}: SHA-1 over the member IDs sorted unsigned, as 8-byte big-endian. */
  static long clusterIdOf(Collection<Long> memberIds) {
    List<Long> ids = new ArrayList<>(memberIds);
    ids.sort(Long::compareUnsigned);
    ByteBuffer b = ByteBuffer.allocate(8 * ids.size());
    ids.forEach(b::putLong);
    return Member.sha1Prefix(b.array());
  }
}
