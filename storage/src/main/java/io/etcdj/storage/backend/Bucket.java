package io.etcdj.storage.backend;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;

/**
 * A named bucket of the backend (a bbolt bucket in etcd, an LMDB named database here). Keys in a
 * bucket are ordered as unsigned bytes, like bbolt's {@code bytes.Compare}.
 *
 * <p>The constants are etcd 3.4's bucket names (fact sheet §7.4). Immutable and thread-safe.
 *
 * @param name the bucket name; ASCII in every etcd bucket
 */
public record Bucket(String name) {
  /** {@code key}: revision → marshaled {@code mvccpb.KeyValue}. */
  public static final Bucket KEY = new Bucket("key");

  /** {@code meta}: {@code consistent_index}, {@code scheduledCompactRev}, ... */
  public static final Bucket META = new Bucket("meta");

  /** {@code lease}: 8-byte big-endian lease ID → {@code leasepb.Lease}. */
  public static final Bucket LEASE = new Bucket("lease");

  /** {@code alarm}: marshaled {@code AlarmMember} → empty. */
  public static final Bucket ALARM = new Bucket("alarm");

  /** {@code auth}: {@code authEnabled}, {@code authRevision}. */
  public static final Bucket AUTH = new Bucket("auth");

  /** {@code authUsers}: user name → {@code authpb.User}. */
  public static final Bucket AUTH_USERS = new Bucket("authUsers");

  /** {@code authRoles}: role name → {@code authpb.Role}. */
  public static final Bucket AUTH_ROLES = new Bucket("authRoles");

  /** {@code members}: member ID hex → member JSON. */
  public static final Bucket MEMBERS = new Bucket("members");

  /** {@code members_removed}: member ID hex → {@code removed}. */
  public static final Bucket MEMBERS_REMOVED = new Bucket("members_removed");

  /** {@code cluster}: {@code clusterVersion} → e.g. {@code 3.4.0}. */
  public static final Bucket CLUSTER = new Bucket("cluster");

  public Bucket {
    checkArgument(name != null && !name.isEmpty(), "bucket name required");
  }

  /** The bucket name as the bytes stored on disk (and fed into {@link Backend#hash}). */
  public byte[] nameBytes() {
    return name.getBytes(StandardCharsets.ISO_8859_1);
  }

  static Bucket fromNameBytes(byte[] name) {
    return new Bucket(new String(name, StandardCharsets.ISO_8859_1));
  }

  @Override
  public String toString() {
    return name;
  }
}
