package io.etcdj.etcdserver.membership;

import io.etcdj.etcdserver.types.GoJson;
import io.etcdj.etcdserver.types.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The v2 store JSON that is a raft snapshot's {@code Data} in etcd 3.4 ({@code store.SaveNoCopy},
 * fact sheet §3.10), limited to what a member with the v2 API disabled has: the {@code /0}
 * membership tree ({@code members/<hex>/raftAttributes}, {@code members/<hex>/attributes}, {@code
 * removed_members/<hex>}, {@code version}) and an empty {@code /1}. The event history is written
 * empty (only v2 watchers read it) and node indexes are numbered in write order, since etcdj keeps
 * no v2 index; Go's {@code json.Unmarshal} into its store accepts both.
 *
 * <p>Stateless; safe from any thread.
 */
public final class V2StoreJson {
  private static final String PERMANENT = "0001-01-01T00:00:00Z";
  private static final int HISTORY_CAPACITY = 1000;
  private static final String[] STATS = {
    "getsSuccess",
    "getsFail",
    "setsSuccess",
    "setsFail",
    "deleteSuccess",
    "deleteFail",
    "updateSuccess",
    "updateFail",
    "createSuccess",
    "createFail",
    "compareAndSwapSuccess",
    "compareAndSwapFail",
    "compareAndDeleteSuccess",
    "compareAndDeleteFail",
    "expireCount",
    "watchers"
  };

  private V2StoreJson() {}

  /** The store JSON for {@code snap}. */
  public static String encode(MembershipSnapshot snap) {
    long[] index = {0};
    // Go marshals map keys in string order, as a TreeMap of strings does.
    TreeMap<String, Node> members = new TreeMap<>();
    for (Member m : snap.members().values()) {
      String base = MembershipKeys.memberStoreKey(m.id());
      TreeMap<String, Node> attrs = new TreeMap<>();
      long idx = ++index[0];
      attrs.put(
          MembershipKeys.RAFT_ATTRIBUTES_SUFFIX,
          Node.leaf(
              base + "/" + MembershipKeys.RAFT_ATTRIBUTES_SUFFIX,
              idx,
              MemberJson.encode(m.raftAttributes())));
      if (m.isStarted() || !m.clientUrls().isEmpty()) {
        attrs.put(
            MembershipKeys.ATTRIBUTES_SUFFIX,
            Node.leaf(
                base + "/" + MembershipKeys.ATTRIBUTES_SUFFIX,
                ++index[0],
                MemberJson.encode(m.attributes())));
      }
      members.put(Ids.toHex(m.id()), Node.dir(base, idx, attrs));
    }
    TreeMap<String, Node> removed = new TreeMap<>();
    for (long id : snap.removed()) {
      removed.put(
          Ids.toHex(id), Node.leaf(MembershipKeys.removedMemberStoreKey(id), ++index[0], ""));
    }
    TreeMap<String, Node> zero = new TreeMap<>();
    zero.put("members", Node.dir(MembershipKeys.STORE_MEMBERS_PREFIX, 0, members));
    if (!removed.isEmpty()) {
      zero.put(
          "removed_members", Node.dir(MembershipKeys.STORE_REMOVED_MEMBERS_PREFIX, 0, removed));
    }
    snap.clusterVersion()
        .ifPresent(
            v ->
                zero.put(
                    "version", Node.leaf(MembershipKeys.STORE_CLUSTER_VERSION_KEY, ++index[0], v)));
    TreeMap<String, Node> root = new TreeMap<>();
    root.put("0", Node.dir(MembershipKeys.STORE_PREFIX, 0, zero));
    root.put("1", Node.dir("/1", 0, new TreeMap<>()));

    StringBuilder b = new StringBuilder(512 + 5 * HISTORY_CAPACITY);
    b.append("{\"Root\":");
    Node.dir("/", 0, root).write(b);
    b.append(",\"WatcherHub\":{\"EventHistory\":{\"Queue\":{\"Events\":[");
    for (int i = 0; i < HISTORY_CAPACITY; i++) {
      b.append(i == 0 ? "null" : ",null");
    }
    b.append("],\"Size\":0,\"Front\":0,\"Back\":0,\"Capacity\":")
        .append(HISTORY_CAPACITY)
        .append("},\"StartIndex\":0,\"LastIndex\":0}},\"CurrentIndex\":")
        .append(index[0])
        .append(",\"Stats\":{");
    for (int i = 0; i < STATS.length; i++) {
      b.append(i == 0 ? "" : ",").append('"').append(STATS[i]).append("\":0");
    }
    b.append("},\"CurrentVersion\":2}");
    return b.toString();
  }

  /**
   * Reads the membership out of a store JSON ({@code membersFromStore} and the version). Also
   * accepts the member-list array earlier etcdj versions wrote.
   *
   * @throws IllegalArgumentException when the JSON does not parse or has the wrong shape
   */
  public static MembershipSnapshot decode(String json) {
    String t = json.stripLeading();
    if (t.startsWith("[")) {
      Map<Long, Member> ms = new HashMap<>();
      MemberJson.decodeList(json).forEach(m -> ms.put(m.id(), m));
      return new MembershipSnapshot(ms, Set.of(), Optional.empty());
    }
    Map<String, Object> top = object(GoJson.parse(json), "store");
    Map<String, Object> zero = child(object(top.get("Root"), "Root"), "0");
    Map<Long, Member> members = new HashMap<>();
    Set<Long> removed = new HashSet<>();
    Optional<String> version = Optional.empty();
    if (zero != null) {
      Map<String, Object> ms = child(zero, "members");
      if (ms != null) {
        for (Map.Entry<String, Object> e : children(ms).entrySet()) {
          long id = Ids.parseHex(e.getKey());
          Map<String, Object> n = object(e.getValue(), "member node");
          Map<String, Object> ra = child(n, MembershipKeys.RAFT_ATTRIBUTES_SUFFIX);
          if (ra == null) {
            throw new IllegalArgumentException("raftAttributes key doesn't exist");
          }
          Member m =
              new Member(id, "", List.of(), List.of(), false)
                  .withRaftAttributes(MemberJson.decodeRaftAttributes(value(ra)));
          Map<String, Object> at = child(n, MembershipKeys.ATTRIBUTES_SUFFIX);
          if (at != null) {
            m = m.withAttributes(MemberJson.decodeAttributes(value(at)));
          }
          members.put(id, m);
        }
      }
      Map<String, Object> rm = child(zero, "removed_members");
      if (rm != null) {
        for (String k : children(rm).keySet()) {
          removed.add(Ids.parseHex(k));
        }
      }
      Map<String, Object> v = child(zero, "version");
      if (v != null) {
        version = Optional.of(value(v));
      }
    }
    return new MembershipSnapshot(members, removed, version);
  }

  private static Map<String, Object> children(Map<String, Object> node) {
    Object c = node.get("Children");
    if (c == null || c == GoJson.NULL) {
      return Map.of();
    }
    return object(c, "Children");
  }

  private static Map<String, Object> child(Map<String, Object> node, String name) {
    Object c = children(node).get(name);
    return c == null || c == GoJson.NULL ? null : object(c, name);
  }

  private static String value(Map<String, Object> node) {
    Object v = node.get("Value");
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("node Value is not a string");
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what) {
    if (!(o instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return (Map<String, Object>) m;
  }

  /** A v2 store node as Go marshals it. */
  private record Node(String path, long index, String value, TreeMap<String, Node> children) {
    static Node leaf(String path, long index, String value) {
      return new Node(path, index, value, null);
    }

    static Node dir(String path, long index, TreeMap<String, Node> children) {
      return new Node(path, index, "", children);
    }

    void write(StringBuilder b) {
      b.append("{\"Path\":");
      GoJson.writeString(b, path);
      b.append(",\"CreatedIndex\":")
          .append(index)
          .append(",\"ModifiedIndex\":")
          .append(index)
          .append(",\"ExpireTime\":\"")
          .append(PERMANENT)
          .append("\",\"Value\":");
      GoJson.writeString(b, value);
      b.append(",\"Children\":");
      if (children == null) {
        b.append("null");
      } else {
        b.append('{');
        List<Map.Entry<String, Node>> es = new ArrayList<>(children.entrySet());
        for (int i = 0; i < es.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          GoJson.writeString(b, es.get(i).getKey());
          b.append(':');
          es.get(i).getValue().write(b);
        }
        b.append('}');
      }
      b.append('}');
    }
  }
}
