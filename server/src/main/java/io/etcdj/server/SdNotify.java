package io.etcdj.server;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * systemd's {@code sd_notify}: tells the service manager the node's state by sending a datagram
 * such as {@code READY=1} to the unix socket named by {@code $NOTIFY_SOCKET} (a path, or {@code @}
 * for the abstract namespace). Without that variable it does nothing, like etcd's {@code
 * daemon.SdNotify}. The JDK has no unix datagram sockets, so the datagram goes through Netty's
 * native unix socket, synchronously (no event loop is involved).
 *
 * <p>The node calls {@link #ready()} once it serves clients (etcd does so after "ready to serve
 * client requests") and {@link #stopping()} when it starts shutting down.
 *
 * <p>Threading: any thread; each call opens and closes its own socket.
 */
final class SdNotify {
  static final String ENV = "NOTIFY_SOCKET";

  private final String socket;

  SdNotify(String socket) {
    this.socket = socket == null ? "" : socket;
  }

  /** Notifies the socket in {@code env}, or nothing when it is absent. */
  static SdNotify fromEnvironment(Map<String, String> env) {
    return new SdNotify(env.get(ENV));
  }

  /** True when a notify socket is configured. */
  boolean enabled() {
    return !socket.isEmpty();
  }

  /** {@code READY=1}; returns false when no socket is configured. */
  boolean ready() throws IOException {
    return send("READY=1");
  }

  /** {@code STOPPING=1}; returns false when no socket is configured. */
  boolean stopping() throws IOException {
    return send("STOPPING=1");
  }

  /**
   * Sends {@code state} (newline-separated {@code KEY=value} lines) as one datagram.
   *
   * @return false when no socket is configured
   * @throws IOException when the socket cannot be reached
   */
  boolean send(String state) throws IOException {
    if (socket.isEmpty()) {
      return false;
    }
    if (!Epoll.isAvailable()) {
      throw new IOException(
          "cannot notify systemd: Netty's native transport is unavailable",
          Epoll.unavailabilityCause());
    }
    byte[] address = address(socket);
    byte[] payload = state.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
    Socket s = Socket.newSocketDomainDgram();
    try {
      int sent = s.sendToDomainSocket(buf, buf.position(), buf.limit(), address);
      if (sent != payload.length) {
        throw new IOException("short write to " + socket + ": " + sent + " of " + payload.length);
      }
    } finally {
      s.close();
    }
    return true;
  }

  // "@name" is an abstract socket: a leading NUL byte instead of the '@'.
  static byte[] address(String socket) {
    byte[] b = socket.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0 && b[0] == '@') {
      b[0] = 0;
    }
    return b;
  }
}
