package io.etcdj.etcdserver.membership;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where membership persists, as etcd 3.4 keeps it: the v2 store (the authority, read back on
 * restart and after a snapshot; {@code membership/store.go}) mirrored into the backend buckets
 * {@code members}, {@code members_removed} and {@code cluster}. Layouts are in {@link
 * MembershipKeys}; values are the JSON of {@link MemberJson}.
 *
 * <p>Implementations are called only from the apply thread (and from startup before it runs); they
 * need not be thread-safe. A write that etcd treats as impossible (creating raft attributes that
 * exist, updating ones that do not) throws {@link IllegalStateException}: it means the store and
 * membership disagree.
 */
public interface MembershipStore {
  /**
   * {@code membersFromStore}: every member under {@code /0/members}, with raft attributes and, if
   * published, attributes. Empty when the directory does not exist.
   */
  Map<Long, Member> members();

  /** The IDs under {@code /0/removed_members}. */
  Set<Long> removed();

  /** {@code /0/version}, if set. */
  Optional<String> clusterVersion();

  /**
   * {@code AddMember}: v2 create {@code /0/members/<id>/raftAttributes} = raft-attributes JSON;
   * backend {@code members/<id>} = member JSON.
   */
  void saveMember(Member m);

  /**
   * {@code RemoveMember}: v2 delete {@code /0/members/<id>} (recursive) and create {@code
   * /0/removed_members/<id>} = ""; backend delete {@code members/<id>}, put {@code
   * members_removed/<id>} = "removed".
   */
  void deleteMember(long id);

  /**
   * {@code UpdateRaftAttributes}/{@code PromoteMember}: v2 update {@code raftAttributes}; backend
   * {@code members/<id>} = member JSON.
   */
  void updateRaftAttributes(Member m);

  /**
   * {@code UpdateAttributes} (publish): v2 set {@code /0/members/<id>/attributes} = attributes
   * JSON; backend {@code members/<id>} = member JSON.
   */
  void updateAttributes(Member m);

  /** {@code SetVersion}: v2 set {@code /0/version}; backend {@code cluster/clusterVersion}. */
  void saveClusterVersion(String version);
}
