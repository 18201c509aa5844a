package io.etcdj.transport;

import static com.google.common.base.Preconditions.checkState;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound, listening socket that accepts nothing until it is served: etcd's two-phase start, where
 * {@code startPeerListeners}/{@code startClientListeners} call {@code net.Listen} (socket, bind,
 * listen) so "address already in use" fails start-up, and {@code servePeers}/{@code serveClients}
 * start accepting later. Until then connections wait in the kernel's backlog, as with Go.
 *
 * <p>Created with {@link #builder(URI)}. The server channel is bound with auto-read off, so Netty
 * issues no accept until {@link #serve} turns it on. Closing an unserved listener frees the port.
 *
 * <p>Thread-safe; {@link #serve} is called once.
 */
public final class Listener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  /** Which of etcd's listener kinds this is; decides keepalive and the warnings' wording. */
  public enum Role {
    /** {@code --listen-peer-urls}: rafthttp's 5 s / 5 s read/write timeouts. */
    PEER,
    /** {@code --listen-client-urls}: TCP keepalive 30 s, no connection timeouts. */
    CLIENT,
    /** {@code --listen-client-http-urls} (3.4.25+): as CLIENT, HTTP only. */
    CLIENT_HTTP
  }

  private final URI url;
  private final Scheme scheme;
  private final Role role;
  private final Optional<ServerTls> tls;
  private final Channel serverChannel;
  private final Optional<Path> socketFile;
  private final AtomicReference<ChannelHandler> childHandler = new AtomicReference<>();
  private final EventLoops loops;

  private Listener(
      URI url,
      Scheme scheme,
      Role role,
      Optional<ServerTls> tls,
      Channel serverChannel,
      Optional<Path> socketFile,
      EventLoops loops) {
    this.url = url;
    this.scheme = scheme;
    this.role = role;
    this.tls = tls;
    this.serverChannel = serverChannel;
    this.socketFile = socketFile;
    this.loops = loops;
  }

  public static Builder builder(URI url) {
    return new Builder(url);
  }

  public URI url() {
    return url;
  }

  public Scheme scheme() {
    return scheme;
  }

  public Role role() {
    return role;
  }

  /** The TLS configuration, present exactly when the scheme is https or unixs. */
  public Optional<ServerTls> tls() {
    return tls;
  }

  /** The bound address (with the real port when the URL asked for port 0). */
  public SocketAddress localAddress() {
    return serverChannel.localAddress();
  }

  /** The bound TCP port; -1 for unix sockets. */
  public int port() {
    SocketAddress a = localAddress();
    return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : -1;
  }

  EventLoops loops() {
    return loops;
  }

  Channel serverChannel() {
    return serverChannel;
  }

  public boolean served() {
    return childHandler.get() != null;
  }

  /**
   * Starts accepting; each accepted channel gets {@code initializer}. Most callers use {@link
   * PortServer}, which calls this.
   */
  public void serve(ChannelInitializer<Channel> initializer) {
    checkState(childHandler.compareAndSet(null, initializer), "Already served");
    serverChannel.config().setAutoRead(true);
  }

  /** Stops accepting and frees the port (and the socket file); open connections are not touched. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    socketFile.ifPresent(Listener::removeQuietly);
  }

  private static void removeQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("failed to remove unix socket file {}", p, e);
    }
  }

  /** Hands each accepted channel to whatever {@link #serve} installed. */
  private final class Dispatch extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel ch) {
      ChannelHandler h = childHandler.get();
      if (h == null) {
        // Unreachable: the server channel does not read before serve().
        ch.close();
        return;
      }
      ch.pipeline().addLast(h);
    }
  }

  /** Options for one listener; {@link #bind(EventLoops)} does socket, bind and listen. */
  public static final class Builder {
    private final URI url;
    private Role role = Role.CLIENT;
    private Optional<ServerTls> tls = Optional.empty();
    private boolean tlsFilesGiven;
    private boolean clientCertAuth;
    private int backlog = 1024;

    private Builder(URI url) {
      this.url = url;
    }

    public Builder role(Role role) {
      this.role = role;
      return this;
    }

    /** The TLS configuration for https/unixs URLs; ignored (with etcd's warning) for http/unix. */
    public Builder tls(ServerTls tls) {
      this.tls = Optional.of(tls);
      this.tlsFilesGiven = true;
      return this;
    }

    /**
     * Whether key/cert files were configured at all, for the warning on an http URL, and whether
     * client-cert auth is on ({@code --client-cert-auth} / {@code --peer-client-cert-auth}).
     */
    public Builder tlsConfigured(boolean filesGiven, boolean clientCertAuth) {
      this.tlsFilesGiven = filesGiven;
      this.clientCertAuth = clientCertAuth;
      return this;
    }

    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    /** Binds the socket; fails with etcd's text when it cannot. */
    public Listener bind(EventLoops loops) throws ListenException {
      Scheme scheme = Scheme.of(url);
      warnIgnoredTls(scheme);
      SocketAddress address = address(scheme);
      if (scheme.secure() && tls.isEmpty()) {
        throw new ListenException(noCertificatesMessage(address), null);
      }
      Optional<Path> socketFile = Optional.empty();
      if (scheme.unix()) {
        Path file = Path.of(((DomainSocketAddress) address).path());
        try {
          // As etcd's NewUnixListener: a stale socket file from a previous run is removed.
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw new ListenException(
              "remove " + file + ": " + e.getMessage(), e); // Go's *PathError text
        }
        socketFile = Optional.of(file);
      }
      ServerBootstrap b = new ServerBootstrap().group(loops.boss(), loops.worker());
      b.channel(scheme.unix() ? loops.unixServerChannel() : loops.tcpServerChannel());
      b.option(ChannelOption.AUTO_READ, false).option(ChannelOption.SO_BACKLOG, backlog);
      if (!scheme.unix()) {
        b.option(ChannelOption.SO_REUSEADDR, true); // Go sets SO_REUSEADDR on listeners too
        b.childOption(ChannelOption.TCP_NODELAY, true);
        if (role != Role.PEER) {
          // keepalive_listener.go: keepalive on, 30 s period (Go sets idle and interval alike).
          b.childOption(ChannelOption.SO_KEEPALIVE, true);
          if (loops.epoll()) {
            b.childOption(EpollChannelOption.TCP_KEEPIDLE, 30);
            b.childOption(EpollChannelOption.TCP_KEEPINTVL, 30);
          }
        }
      }
      Listener[] self = new Listener[1];
      b.childHandler(
          new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(self[0].new Dispatch());
            }
          });
      ChannelFuture f = b.bind(address).awaitUninterruptibly();
      if (!f.isSuccess()) {
        throw new ListenException(bindMessage(scheme, address, f.cause()), f.cause());
      }
      self[0] = new Listener(url, scheme, role, tls, f.channel(), socketFile, loops);
      log.info("listening on {} ({})", url, self[0].localAddress());
      return self[0];
    }

    private void warnIgnoredTls(Scheme scheme) {
      if (scheme.secure()) {
        return;
      }
      // embed/etcd.go configurePeerListeners / configureClientListeners.
      String key = role == Role.PEER ? "peer-url" : "client-url";
      if (tlsFilesGiven) {
        log.warn(
            "scheme is HTTP while key and cert files are present; ignoring key and cert files"
                + " ({}={})",
            key,
            url);
      }
      if (clientCertAuth) {
        String flag = role == Role.PEER ? "--peer-client-cert-auth" : "--client-cert-auth";
        log.warn(
            "scheme is HTTP while {} is enabled; ignoring client cert auth for this URL ({}={})",
            flag,
            key,
            url);
      }
      tls = Optional.empty();
    }

    private String noCertificatesMessage(SocketAddress address) {
      if (role == Role.PEER) {
        // pkg/transport/listener_tls.go newTLSListener, via rafthttp.NewListener.
        return "cannot listen on TLS for "
            + goAddress(address)
            + ": KeyFile and CertFile are not presented";
      }
      return "TLS key/cert (--cert-file, --key-file) must be provided for client url "
          + url
          + " with HTTPS scheme";
    }

    private SocketAddress address(Scheme scheme) throws ListenException {
      if (scheme.unix()) {
        // etcd listens on u.Host + u.Path for unix URLs.
        String host = url.getRawAuthority() == null ? "" : url.getRawAuthority();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return new DomainSocketAddress(host + path);
      }
      String host = url.getHost();
      int port = url.getPort();
      if (port < 0) {
        throw new ListenException(
            "listen tcp "
                + url.getRawAuthority()
                + ": address "
                + url.getRawAuthority()
                + ": missing port in address",
            null);
      }
      try {
        InetAddress ip =
            host == null || host.isEmpty() ? null : InetAddress.getByName(stripBrackets(host));
        return ip == null ? new InetSocketAddress(port) : new InetSocketAddress(ip, port);
      } catch (UnknownHostException e) {
        throw new ListenException(
            "listen tcp " + url.getRawAuthority() + ": lookup " + host + ": no such host", e);
      }
    }
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Go's net.Addr.String(): {@code 127.0.0.1:2380}, {@code [::1]:2380}, or the socket path. */
  static String goAddress(SocketAddress a) {
    if (a instanceof DomainSocketAddress) {
      return ((DomainSocketAddress) a).path();
    }
    InetSocketAddress i = (InetSocketAddress) a;
    String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
    if (i.getAddress() != null && i.getAddress().isAnyLocalAddress()) {
      host = "";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + i.getPort();
  }

  /** {@code listen tcp 127.0.0.1:2380: bind: address already in use}, as Go's *net.OpError. */
  static String bindMessage(Scheme scheme, SocketAddress address, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (cause instanceof Errors.NativeIoException || !(cause instanceof BindException)) {
      int i = reason.indexOf("failed: ");
      if (i >= 0) {
        reason = reason.substring(i + "failed: ".length());
      }
    }
    if (!reason.isEmpty()) {
      reason = reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
    return "listen "
        + (scheme.unix() ? "unix" : "tcp")
        + " "
        + goAddress(address)
        + ": bind: "
        + reason;
  }
}
