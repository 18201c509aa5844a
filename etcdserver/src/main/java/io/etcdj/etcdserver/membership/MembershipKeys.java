package io.etcdj.etcdserver.membership;

import io.etcdj.etcdserver.types.Ids;
import java.util.regex.Pattern;

/**
 * Where etcd 3.4 keeps membership ({@code membership/store.go}, wire facts §3.9): v2 store paths
 * and backend bucket names and keys.
 */
public final class MembershipKeys {
  /** The v2 store directory of cluster metadata. */
  public static final String STORE_PREFIX = "/0";

  public static final String STORE_MEMBERS_PREFIX = "/0/members";
  public static final String STORE_REMOVED_MEMBERS_PREFIX = "/0/removed_members";
  public static final String STORE_CLUSTER_VERSION_KEY = "/0/version";
  public static final String RAFT_ATTRIBUTES_SUFFIX = "raftAttributes";
  public static final String ATTRIBUTES_SUFFIX = "attributes";

  public static final String MEMBERS_BUCKET = "members";
  public static final String MEMBERS_REMOVED_BUCKET = "members_removed";
  public static final String CLUSTER_BUCKET = "cluster";

  /** The backend key of the cluster version in {@link #CLUSTER_BUCKET}. */
  public static final String BACKEND_CLUSTER_VERSION_KEY = "clusterVersion";

  /** The value etcd writes under a removed member's key in {@link #MEMBERS_REMOVED_BUCKET}. */
  public static final String BACKEND_REMOVED_VALUE = "removed";

  /**
   * {@code storeMemberAttributeRegexp}: a v2 PUT whose path <em>contains</em> this (etcd matches
   * unanchored) is a publish of member attributes, applied to membership instead of the store.
   */
  public static final Pattern MEMBER_ATTRIBUTES_PATH =
      Pattern.compile("/0/members/[0-9A-Fa-f]{1,16}/attributes");

  private MembershipKeys() {}

  /** {@code MemberStoreKey}: {@code /0/members/<hex>}. */
  public static String memberStoreKey(long id) {
    return STORE_MEMBERS_PREFIX + "/" + Ids.toHex(id);
  }

  public static String raftAttributesPath(long id) {
    return memberStoreKey(id) + "/" + RAFT_ATTRIBUTES_SUFFIX;
  }

  /** {@code MemberAttributesStorePath}: the publish request's path. */
  public static String attributesPath(long id) {
    return memberStoreKey(id) + "/" + ATTRIBUTES_SUFFIX;
  }

  /** {@code RemovedMemberStoreKey}: {@code /0/removed_members/<hex>}. */
  public static String removedMemberStoreKey(long id) {
    return STORE_REMOVED_MEMBERS_PREFIX + "/" + Ids.toHex(id);
  }

  /** {@code backendMemberKey}: the hex ID. */
  public static String backendMemberKey(long id) {
    return Ids.toHex(id);
  }

  /** Whether a v2 PUT to {@code path} is a member publish ({@code MatchString}, unanchored). */
  public static boolean isMemberAttributesPath(String path) {
    return MEMBER_ATTRIBUTES_PATH.matcher(path).find();
  }

  /**
   * {@code MustParseMemberIDFromKey}: the hex ID in the last path element.
   *
   * @throws NumberFormatException when it is not hex (etcd panics)
   */
  public static long memberIdFromKey(String key) {
    String k = key;
    while (k.endsWith("/") && k.length() > 1) {
      k = k.substring(0, k.length() - 1);
    }
    return Ids.parseHex(k.substring(k.lastIndexOf('/') + 1));
  }
}
