package io.etcdj.etcdserver.membership;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link MembershipStore} in memory, for tests and tools. It keeps the same JSON strings etcd
 * writes (v2 values and backend bucket values), so round trips through {@link MemberJson} are
 * exercised, and it enforces the v2 store's create/update rules the way etcd's {@code must*}
 * helpers expect them.
 *
 * <p>Not thread-safe; one owner (the apply thread), like the real store.
 */
public final class InMemoryMembershipStore implements MembershipStore {
  private final Map<Long, String> raftAttributes = new HashMap<>();
  private final Map<Long, String> attributes = new HashMap<>();
  private final Set<Long> removed = new HashSet<>();
  private String version;
  private final Map<String, Map<String, String>> buckets = new HashMap<>();

  @Override
  public Map<Long, Member> members() {
    Map<Long, Member> out = new HashMap<>();
    for (Map.Entry<Long, String> e : raftAttributes.entrySet()) {
      long id = e.getKey();
      Member m =
          new Member(id, "", java.util.List.of(), java.util.List.of(), false)
              .withRaftAttributes(MemberJson.decodeRaftAttributes(e.getValue()));
      String attrs = attributes.get(id);
      if (attrs != null) {
        m = m.withAttributes(MemberJson.decodeAttributes(attrs));
      }
      out.put(id, m);
    }
    return out;
  }

  @Override
  public Set<Long> removed() {
    return Set.copyOf(removed);
  }

  @Override
  public Optional<String> clusterVersion() {
    return Optional.ofNullable(version);
  }

  @Override
  public void saveMember(Member m) {
    if (raftAttributes.containsKey(m.id())) {
      throw new IllegalStateException(
          "create raftAttributes should never fail: Key already exists ("
              + MembershipKeys.raftAttributesPath(m.id())
              + ")");
    }
    raftAttributes.put(m.id(), MemberJson.encode(m.raftAttributes()));
    bucket(MembershipKeys.MEMBERS_BUCKET)
        .put(MembershipKeys.backendMemberKey(m.id()), MemberJson.encode(m));
  }

  @Override
  public void deleteMember(long id) {
    if (!raftAttributes.containsKey(id)) {
      throw new IllegalStateException(
          "delete member should never fail: Key not found ("
              + MembershipKeys.memberStoreKey(id)
              + ")");
    }
    raftAttributes.remove(id);
    attributes.remove(id);
    removed.add(id);
    String key = MembershipKeys.backendMemberKey(id);
    bucket(MembershipKeys.MEMBERS_BUCKET).remove(key);
    bucket(MembershipKeys.MEMBERS_REMOVED_BUCKET).put(key, MembershipKeys.BACKEND_REMOVED_VALUE);
  }

  @Override
  public void updateRaftAttributes(Member m) {
    if (!raftAttributes.containsKey(m.id())) {
      throw new IllegalStateException(
          "update raftAttributes should never fail: Key not found ("
              + MembershipKeys.raftAttributesPath(m.id())
              + ")");
    }
    raftAttributes.put(m.id(), MemberJson.encode(m.raftAttributes()));
    bucket(MembershipKeys.MEMBERS_BUCKET)
        .put(MembershipKeys.backendMemberKey(m.id()), MemberJson.encode(m));
  }

  @Override
  public void updateAttributes(Member m) {
    attributes.put(m.id(), MemberJson.encode(m.attributes()));
    bucket(MembershipKeys.MEMBERS_BUCKET)
        .put(MembershipKeys.backendMemberKey(m.id()), MemberJson.encode(m));
  }

  @Override
  public void saveClusterVersion(String v) {
    version = v;
    bucket(MembershipKeys.CLUSTER_BUCKET).put(MembershipKeys.BACKEND_CLUSTER_VERSION_KEY, v);
  }

  /**
   * Replaces the v2 state with {@code snap} ({@code v2store.Recovery}); the backend mirror is left
   * alone. A member without name and client URLs has no {@code attributes} node.
   */
  void load(MembershipSnapshot snap) {
    raftAttributes.clear();
    attributes.clear();
    removed.clear();
    for (Member m : snap.members().values()) {
      raftAttributes.put(m.id(), MemberJson.encode(m.raftAttributes()));
      if (m.isStarted() || !m.clientUrls().isEmpty()) {
        attributes.put(m.id(), MemberJson.encode(m.attributes()));
      }
    }
    removed.addAll(snap.removed());
    version = snap.clusterVersion().orElse(null);
  }

  /** The v2 value at {@code /0/members/<id>/raftAttributes}, or null. */
  public String raftAttributesJson(long id) {
    return raftAttributes.get(id);
  }

  /** The v2 value at {@code /0/members/<id>/attributes}, or null. */
  public String attributesJson(long id) {
    return attributes.get(id);
  }

  /** A backend bucket's contents (key → value), sorted by key; empty if never written. */
  public Map<String, String> backendBucket(String name) {
    return Collections.unmodifiableMap(new TreeMap<>(buckets.getOrDefault(name, Map.of())));
  }

  private Map<String, String> bucket(String name) {
    return buckets.computeIfAbsent(name, n -> new HashMap<>());
  }
}
