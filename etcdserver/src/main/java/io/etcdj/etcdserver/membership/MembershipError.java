package io.etcdj.etcdserver.membership;

/** The errors of {@code etcdserver/api/membership/errors.go}, with etcd's exact text. */
public enum MembershipError {
  ID_REMOVED("membership: ID removed"),
  ID_EXISTS("membership: ID exists"),
  ID_NOT_FOUND("membership: ID not found"),
  PEER_URL_EXISTS("membership: peerURL exists"),
  MEMBER_NOT_LEARNER("membership: can only promote a learner member"),
  TOO_MANY_LEARNERS("membership: too many learner members in cluster");

  private final String text;

  MembershipError(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  public MembershipException exception() {
    return new MembershipException(this);
  }
}
