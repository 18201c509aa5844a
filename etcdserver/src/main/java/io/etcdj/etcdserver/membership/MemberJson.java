package io.etcdj.etcdserver.membership;

import io.etcdj.etcdserver.membership.Member.Attributes;
import io.etcdj.etcdserver.membership.Member.RaftAttributes;
import io.etcdj.etcdserver.types.GoJson;
import io.etcdj.etcdserver.types.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Member JSON exactly as etcd 3.4 writes it with {@code encoding/json}, and read back with Go's
 * rules (keys match case-insensitively, unknown keys are ignored, {@code null} leaves a field
 * unset, the last duplicate key wins). The forms:
 *
 * <ul>
 *   <li>member (the {@code /members} peer endpoint, the backend {@code members} bucket, ConfChange
 *       contexts): {@code {"id":N,"peerURLs":[..],"isLearner":true,"name":"..","clientURLs":[..]}}
 *       with {@code isLearner}, {@code name} and {@code clientURLs} omitted when empty; {@code id}
 *       is an unsigned decimal number;
 *   <li>raft attributes ({@code /0/members/<id>/raftAttributes}): {@code
 *       {"peerURLs":[..],"isLearner":true}};
 *   <li>attributes ({@code /0/members/<id>/attributes}, the publish request's value): {@code
 *       {"name":"..","clientURLs":[..]}}, both omitted when empty;
 *   <li>config change context: the member fields then {@code "isPromote":bool}.
 * </ul>
 *
 * <p>Stateless; safe from any thread. Decoders throw {@link IllegalArgumentException} where Go's
 * {@code json.Unmarshal} returns an error.
 */
public final class MemberJson {
  private MemberJson() {}

  public static String encode(Member m) {
    StringBuilder b = new StringBuilder();
    member(b, m, false);
    return b.append('}').toString();
  }

  /** A JSON array of members in the given order (the {@code /members} body without its "\n"). */
  public static String encodeList(List<Member> members) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      member(b, members.get(i), false);
      b.append('}');
    }
    return b.append(']').toString();
  }

  public static String encode(RaftAttributes ra) {
    StringBuilder b = new StringBuilder("{\"peerURLs\":");
    GoJson.writeStrings(b, ra.peerUrls());
    if (ra.isLearner()) {
      b.append(",\"isLearner\":true");
    }
    return b.append('}').toString();
  }

  public static String encode(Attributes a) {
    StringBuilder b = new StringBuilder("{");
    if (!a.name().isEmpty()) {
      b.append("\"name\":");
      GoJson.writeString(b, a.name());
    }
    if (!a.clientUrls().isEmpty()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("\"clientURLs\":");
      GoJson.writeStrings(b, a.clientUrls());
    }
    return b.append('}').toString();
  }

  public static String encode(ConfigChangeContext c) {
    StringBuilder b = new StringBuilder();
    // Only the promote context leaves PeerURLs nil in Go, which encodes as null.
    member(b, c.member(), c.isPromote() && c.member().peerUrls().isEmpty());
    b.append(",\"isPromote\":").append(c.isPromote());
    return b.append('}').toString();
  }

  /** Writes a member object without its closing brace. */
  private static void member(StringBuilder b, Member m, boolean nullPeerUrls) {
    b.append("{\"id\":").append(Ids.toDecimal(m.id())).append(",\"peerURLs\":");
    if (nullPeerUrls) {
      b.append("null");
    } else {
      GoJson.writeStrings(b, m.peerUrls());
    }
    if (m.isLearner()) {
      b.append(",\"isLearner\":true");
    }
    if (!m.name().isEmpty()) {
      b.append(",\"name\":");
      GoJson.writeString(b, m.name());
    }
    if (!m.clientUrls().isEmpty()) {
      b.append(",\"clientURLs\":");
      GoJson.writeStrings(b, m.clientUrls());
    }
  }

  public static Member decodeMember(String json) {
    return memberFrom(asObject(GoJson.parse(json), "Member"), new Fields(), "Member").toMember();
  }

  public static List<Member> decodeList(String json) {
    Object v = GoJson.parse(json);
    if (v == GoJson.NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw typeError(v, "[]*membership.Member");
    }
    List<Member> out = new ArrayList<>(l.size());
    for (Object o : l) {
      if (o == GoJson.NULL) {
        throw new IllegalArgumentException("null member in list");
      }
      out.add(memberFrom(asObject(o, "Member"), new Fields(), "Member").toMember());
    }
    return out;
  }

  public static RaftAttributes decodeRaftAttributes(String json) {
    Fields f = memberFrom(asObject(GoJson.parse(json), "RaftAttributes"), new Fields(), "");
    return new RaftAttributes(f.peerUrls, f.isLearner);
  }

  public static Attributes decodeAttributes(String json) {
    Fields f = memberFrom(asObject(GoJson.parse(json), "Attributes"), new Fields(), "");
    return new Attributes(f.name, f.clientUrls);
  }

  public static ConfigChangeContext decodeConfigChangeContext(String json) {
    Map<String, Object> o = asObject(GoJson.parse(json), "ConfigChangeContext");
    Fields f = memberFrom(o, new Fields(), "ConfigChangeContext");
    return new ConfigChangeContext(f.toMember(), f.isPromote);
  }

  /** The decoded fields; which are meaningful depends on the struct decoded. */
  private static final class Fields {
    long id;
    String name = "";
    List<String> peerUrls = List.of();
    List<String> clientUrls = List.of();
    boolean isLearner;
    boolean isPromote;

    Member toMember() {
      return new Member(id, name, peerUrls, clientUrls, isLearner);
    }
  }

  private static final List<String> KEYS =
      List.of("id", "peerURLs", "isLearner", "name", "clientURLs", "isPromote");

  /** Go's field lookup: an exact key match first, else a case-insensitive one. */
  private static String field(String key) {
    for (String k : KEYS) {
      if (k.equals(key)) {
        return k;
      }
    }
    for (String k : KEYS) {
      if (k.equalsIgnoreCase(key)) {
        return k;
      }
    }
    return null;
  }

  private static Fields memberFrom(Map<String, Object> o, Fields f, String struct) {
    for (Map.Entry<String, Object> e : o.entrySet()) {
      String k = field(e.getKey());
      Object v = e.getValue();
      if (k == null || v == GoJson.NULL) {
        continue;
      }
      switch (k) {
        case "id" -> f.id = uint64(v, struct + ".id");
        case "peerURLs" -> f.peerUrls = strings(v);
        case "isLearner" -> f.isLearner = bool(v);
        case "name" -> f.name = string(v);
        case "clientURLs" -> f.clientUrls = strings(v);
        case "isPromote" -> f.isPromote = bool(v);
        default -> throw new IllegalStateException("unreachable field " + k);
      }
    }
    return f;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object v, String type) {
    if (!(v instanceof Map<?, ?>)) {
      throw typeError(v, "membership." + type);
    }
    return (Map<String, Object>) v;
  }

  private static long uint64(Object v, String where) {
    if (v instanceof GoJson.Number n) {
      try {
        return Ids.parseDecimal(n.literal());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "json: cannot unmarshal number "
                + n.literal()
                + " into Go struct field "
                + where
                + " of type types.ID",
            e);
      }
    }
    throw typeError(v, "types.ID");
  }

  private static List<String> strings(Object v) {
    if (!(v instanceof List<?> l)) {
      throw typeError(v, "[]string");
    }
    List<String> out = new ArrayList<>(l.size());
    for (Object o : l) {
      out.add(o == GoJson.NULL ? "" : string(o));
    }
    return out;
  }

  private static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw typeError(v, "string");
  }

  private static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw typeError(v, "bool");
  }

  private static IllegalArgumentException typeError(Object v, String goType) {
    String kind =
        v instanceof Map<?, ?>
            ? "object"
            : v instanceof List<?>
                ? "array"
                : v instanceof String ? "string" : v instanceof Boolean ? "bool" : "number";
    return new IllegalArgumentException(
        "json: cannot unmarshal " + kind + " into Go value of type " + goType);
  }
}
