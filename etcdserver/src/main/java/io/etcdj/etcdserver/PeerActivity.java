package io.etcdj.etcdserver;

import java.util.OptionalLong;

/**
 * What the peer transport knows of each peer's liveness (rafthttp {@code Transporter.ActiveSince}),
 * which the strict reconfiguration checks read ({@code isConnectedSince}, {@code
 * numConnectedSince}). Until rafthttp connects real peers, {@link #NONE} says no peer is connected,
 * which is what a Go member answers for members that never started.
 *
 * <p>Implementations must be thread-safe and non-blocking.
 */
@FunctionalInterface
public interface PeerActivity {
  /** No peer is connected. */
  PeerActivity NONE = id -> OptionalLong.empty();

  /**
   * The wall-clock time (Unix milliseconds) since when the link to {@code id} has been active, or
   * empty while it is not connected.
   */
  OptionalLong activeSinceMillis(long id);
}
