package io.etcdj.transport;

import io.netty.handler.ssl.SslContext;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a listener needs from its TLS configuration: a server context for each new handshake and the
 * peer checks that a {@link SslContext} cannot express (etcd's allowed CN and allowed hostname).
 * Implemented by {@code io.etcdj.transport.tls}; listeners only see this seam, so certificate
 * rotation and auto-TLS stay out of the pipeline code.
 *
 * <p>Thread-safe: called from event loops, so neither method may block on I/O for long (reading
 * rotated files from disk once per change is acceptable, as etcd does per handshake).
 */
public interface ServerTls {

  /**
   * The context for the next handshake, advertising {@code alpnProtocols} in order of preference
   * (for example {@code ["h2", "http/1.1"]} on a client port, {@code ["http/1.1"]} on a peer port).
   * May return a new instance after certificates change on disk.
   */
  SslContext serverContext(List<String> alpnProtocols);

  /**
   * Checks a completed handshake beyond chain validation, for example etcd's {@code
   * --peer-cert-allowed-cn}. Throws with etcd's text when the peer is refused.
   */
  void verifyPeer(SSLSession session) throws SSLPeerUnverifiedException;
}
