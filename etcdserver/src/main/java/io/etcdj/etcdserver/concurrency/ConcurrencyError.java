package io.etcdj.etcdserver.concurrency;

/**
 * The errors of {@code clientv3/concurrency} ({@code election.go}, {@code key.go}), with etcd's
 * exact text. They are plain Go errors, not {@code ErrGRPC*} statuses, so a server that returns one
 * answers {@code UNKNOWN} with the text ({@code GrpcErrors.toStatus} does that for any unknown
 * text).
 */
public enum ConcurrencyError {
  ELECTION_NOT_LEADER("election: not leader"),
  ELECTION_NO_LEADER("election: no leader"),
  LOST_WATCHER("lost watcher waiting for delete");

  private final String text;

  ConcurrencyError(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  public ConcurrencyException exception() {
    return new ConcurrencyException(this);
  }
}
