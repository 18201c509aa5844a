package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Membership at one point: the members (with attributes once published), the removed IDs and the
 * cluster version. This is what the {@code /0} part of etcd's v2 store holds, so it is what a raft
 * snapshot must carry ({@link V2StoreJson}).
 *
 * <p>Immutable.
 */
public record MembershipSnapshot(
    Map<Long, Member> members, Set<Long> removed, Optional<String> clusterVersion) {
  public MembershipSnapshot {
    members = Map.copyOf(members);
    removed = Set.copyOf(removed);
    requireNonNull(clusterVersion, "clusterVersion");
  }
}
