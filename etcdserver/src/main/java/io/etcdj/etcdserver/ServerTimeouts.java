package io.etcdj.etcdserver;

import java.time.Duration;

/**
 * The timeouts etcd derives from the tick and election settings ({@code etcdserver/config.go}).
 *
 * @param tickMs {@code --heartbeat-interval} in ms
 * @param electionTicks election timeout / heartbeat interval
 */
public record ServerTimeouts(long tickMs, int electionTicks) {
  public ServerTimeouts {
    if (tickMs <= 0 || electionTicks <= 0) {
      throw new IllegalArgumentException("tickMs and electionTicks must be positive");
    }
  }

  /** The election timeout: ticks × tick. */
  public Duration electionTimeout() {
    return Duration.ofMillis(electionTicks * tickMs);
  }

  /**
   * {@code ReqTimeout}: 5 s for queueing, computation and disk I/O plus two election timeouts for a
   * possible election (7 s with the defaults).
   */
  public Duration requestTimeout() {
    return Duration.ofSeconds(5).plus(electionTimeout().multipliedBy(2));
  }

  /** {@code peerDialTimeout}: 1 s plus one election timeout. */
  public Duration peerDialTimeout() {
    return Duration.ofSeconds(1).plus(electionTimeout());
  }
}
