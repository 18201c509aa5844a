package io.etcdj.etcdserver;

/**
 * The errors of {@code etcdserver/errors.go}, each with etcd's exact text. Clients and peers match
 * on these strings, so they must not change.
 */
public enum ServerError {
  UNKNOWN_METHOD("etcdserver: unknown method"),
  STOPPED("etcdserver: server stopped"),
  CANCELED("etcdserver: request cancelled"),
  TIMEOUT("etcdserver: request timed out"),
  TIMEOUT_DUE_TO_LEADER_FAIL(
      "etcdserver: request timed out, possibly due to previous leader failure"),
  TIMEOUT_DUE_TO_CONNECTION_LOST("etcdserver: request timed out, possibly due to connection lost"),
  TIMEOUT_WAIT_APPLIED_INDEX(
      "etcdserver: request timed out, waiting for the applied index took too long"),
  TIMEOUT_LEADER_TRANSFER("etcdserver: request timed out, leader transfer took too long"),
  LEADER_CHANGED("etcdserver: leader changed"),
  NOT_ENOUGH_STARTED_MEMBERS(
      "etcdserver: re-configuration failed due to not enough started members"),
  LEARNER_NOT_READY("etcdserver: can only promote a learner member which is in sync with leader"),
  NO_LEADER("etcdserver: no leader"),
  NOT_LEADER("etcdserver: not leader"),
  REQUEST_TOO_LARGE("etcdserver: request is too large"),
  NO_SPACE("etcdserver: no space"),
  TOO_MANY_REQUESTS("etcdserver: too many requests"),
  UNHEALTHY("etcdserver: unhealthy cluster"),
  KEY_NOT_FOUND("etcdserver: key not found"),
  CORRUPT("etcdserver: corrupt cluster"),
  BAD_LEADER_TRANSFEREE("etcdserver: bad leader transferee");

  private final String text;

  ServerError(String text) {
    this.text = text;
  }

  /** etcd's error text. */
  public String text() {
    return text;
  }

  /** A new exception carrying this error. */
  public EtcdServerException exception() {
    return new EtcdServerException(this);
  }
}
