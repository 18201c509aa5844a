package io.etcdj.etcdserver.membership;

/**
 * What an applied ConfChange did to membership ({@link RaftCluster#applyConfChange}), so the server
 * can make the matching transport change (add, remove or update the peer) and notice its own
 * removal.
 */
public sealed interface MembershipChange {
  /** A member was added (AddNode or AddLearnerNode that is not a promotion). */
  record Added(Member member) implements MembershipChange {}

  /** A learner became a voter. */
  record Promoted(long id) implements MembershipChange {}

  /** A member was removed. */
  record Removed(long id) implements MembershipChange {}

  /** A member's peer URLs changed; {@code member} is the new state. */
  record Updated(Member member) implements MembershipChange {}
}
