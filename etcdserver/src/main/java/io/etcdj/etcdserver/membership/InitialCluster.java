package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.types.Ids;
import io.etcdj.etcdserver.types.Urls;
import io.etcdj.etcdserver.types.UrlsMap;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A new cluster as {@code --initial-cluster} describes it ({@code NewClusterFromURLsMap}, wire
 * facts §3.4): one member per name with an ID from its peer URLs and the cluster token, the cluster
 * ID from the member IDs, and the raft log a founding member starts with.
 *
 * <p>Immutable.
 */
public final class InitialCluster {
  private final String token;
  private final List<Member> members;
  private final long clusterId;

  private InitialCluster(String token, List<Member> members, long clusterId) {
    this.token = token;
    this.members = List.copyOf(members);
    this.clusterId = clusterId;
  }

  /**
   * {@code NewClusterFromURLsMap}.
   *
   * @throws BootstrapException {@code member exists with identical ID ...} when two names have the
   *     same URLs, {@code cannot use 0 as member id} for an ID of 0
   */
  public static InitialCluster fromUrlsMap(String token, UrlsMap urlsMap)
      throws BootstrapException {
    requireNonNull(token, "token");
    Map<Long, Member> byId = new HashMap<>();
    for (Map.Entry<String, Urls> e : urlsMap.byName().entrySet()) {
      Member m = Member.bootstrap(e.getKey(), e.getValue(), token);
      if (byId.containsKey(m.id())) {
        throw new BootstrapException("member exists with identical ID " + goString(m));
      }
      if (m.id() == 0) {
        throw new BootstrapException("cannot use 0 as member id");
      }
      byId.put(m.id(), m);
    }
    List<Member> sorted = new ArrayList<>(byId.values());
    sorted.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    long cid = RaftCluster.clusterIdOf(byId.keySet());
    return new InitialCluster(token, sorted, cid);
  }

  public String token() {
    return token;
  }

  /** The members, sorted by ID (unsigned). */
  public List<Member> members() {
    return members;
  }

  public long clusterId() {
    return clusterId;
  }

  public Optional<Member> memberByName(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The raft peers a founding member starts with ({@code startNode}): every member in ascending ID
   * order, each with its member JSON as context ({@code {"id":..,"peerURLs":[..],"name":".."}}).
   */
  public List<BootstrapPeer> peers() {
    List<BootstrapPeer> out = new ArrayList<>(members.size());
    for (Member m : members) {
      out.add(new BootstrapPeer(m.id(), ByteString.copyFromUtf8(MemberJson.encode(m))));
    }
    return out;
  }

  /**
   * The entries raft's {@code StartNode(peers)} writes: at term 1, index 1..n, one {@code
   * EntryConfChange} per peer carrying {@code ConfChange{ID:0, Type:AddNode, NodeID, Context}}.
   * Every field is set, so the bytes equal gogo's (which always writes non-nullable fields).
   */
  public List<Entry> bootstrapEntries() {
    List<Entry> out = new ArrayList<>(members.size());
    long index = 1;
    for (BootstrapPeer p : peers()) {
      ConfChange cc =
          ConfChange.newBuilder()
              .setId(0)
              .setType(ConfChangeType.ConfChangeAddNode)
              .setNodeId(p.id())
              .setContext(p.context())
              .build();
      out.add(
          Entry.newBuilder()
              .setType(EntryType.EntryConfChange)
              .setTerm(1)
              .setIndex(index++)
              .setData(cc.toByteString())
              .build());
    }
    return out;
  }

  /** A raft peer at bootstrap: its ID and the ConfChange context. */
  public record BootstrapPeer(long id, ByteString context) {}

  /** Go's {@code %v} of a {@code *Member}, as etcd puts it into error messages. */
  static String goString(Member m) {
    return "&{ID:"
        + Ids.toHex(m.id())
        + " RaftAttributes:{PeerURLs:["
        + String.join(" ", m.peerUrls())
        + "] IsLearner:"
        + m.isLearner()
        + "} Attributes:{Name:"
        + m.name()
        + " ClientURLs:["
        + String.join(" ", m.clientUrls())
        + "]}}";
  }
}
