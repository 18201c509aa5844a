package io.etcdj.embed;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.transport.EventLoops;
import io.etcdj.transport.Listener;
import io.etcdj.transport.PortServer;
import io.etcdj.transport.http.HttpRouter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running etcd member: etcd's {@code embed.Etcd}. {@link #start} follows {@code StartEtcd}'s
 * order: peer listeners, client listeners (both bound, not yet accepting), the server, then serving
 * peers, clients and metrics. Any failure closes what was opened, in reverse.
 *
 * <pre>{@code
 * Config cfg = Config.forEmbedding(tempDir);      // loopback, ephemeral ports
 * try (Etcd etcd = Etcd.start(cfg)) {
 *   etcd.readyFuture().get(10, TimeUnit.SECONDS);
 *   List<URI> endpoints = etcd.clientUrls();
 * }
 * }</pre>
 *
 * <p>Many members may run in one JVM: each owns its event loops, executors and server. Threading:
 * {@link #start} and {@link #close} block and must not run on an event loop; the getters may be
 * called from any thread.
 */
public final class Etcd implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Etcd.class);

  /** etcd's grace for in-flight requests when it stops its servers (embed.Close). */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final Config config;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final List<Listener> peerListeners = new ArrayList<>();
  private final List<Listener> clientListeners = new ArrayList<>();
  private final List<Listener> metricsListeners = new ArrayList<>();
  private final List<PortServer> servers = new ArrayList<>();
  private final CompletableFuture<Void> serving = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private EtcdServer server;
  private Advertised advertised;

  private Etcd(Config config) {
    this.config = config;
  }

  /**
   * Validates {@code config}, binds every listener, starts the member and serves. On return the
   * ports accept connections; clients are answered once {@link #readyFuture()} completes (the
   * member has published itself through raft), as etcd's serve loop waits on {@code ReadyNotify}.
   */
  public static Etcd start(Config config) throws Exception {
    requireNonNull(config, "config");
    Config.Validation v = config.validate();
    v.logWarnings().forEach(log::warn);
    Etcd e = new Etcd(config);
    try {
      e.startInOrder();
      return e;
    } catch (Exception | Error ex) {
      e.serving.completeExceptionally(ex);
      e.close();
      throw ex;
    }
  }

  private void startInOrder() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    EventLoops loops = EventLoops.create("etcdj-" + config.name(), Math.max(2, cores));
    opened.push(loops);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(daemon("etcdj-scheduler-%d"));
    opened.push(scheduler::shutdownNow);
    ExecutorService storeExecutor =
        Executors.newFixedThreadPool(Math.max(2, cores), daemon("etcdj-store-%d"));
    opened.push(storeExecutor::shutdownNow);

    log.atInfo()
        .addKeyValue("listen-peer-urls", strings(config.listenPeerUrls()))
        .log("configuring peer listeners");
    peerListeners.addAll(Listeners.bindPeers(config, loops, opened));
    log.atInfo()
        .addKeyValue("listen-client-urls", strings(config.listenClientUrls()))
        .log("configuring client listeners");
    clientListeners.addAll(Listeners.bindClients(config, loops, opened));
    metricsListeners.addAll(Listeners.bindMetrics(config, loops, opened));

    advertised = Advertised.resolve(config, peerListeners, clientListeners);
    server = EtcdServer.start(ServerConfigs.from(config, advertised, scheduler));
    opened.push(server::stop);
    // etcd's main returns once the server stopped itself (this member was removed, or a panic):
    // close the rest.
    server
        .stopNotify()
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                stopped.completeExceptionally(err);
              }
              daemon("etcdj-self-stop-%d").newThread(this::close).start();
            });

    NodeServices services = new NodeServices(config, server, storeExecutor, scheduler);
    opened.push(services);
    for (Listener l : peerListeners) {
      servers.add(
          PortServer.builder(l).grpc(services::addGrpc).http(services.peerRouter()).start());
    }
    // etcd's serve() waits for ReadyNotify before it serves clients; our listeners are bound, so
    // connections queue in the backlog until then.
    server
        .readyFuture()
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                serving.completeExceptionally(err);
                stopped.completeExceptionally(err);
                return;
              }
              try {
                serveClients(services);
                serving.complete(null);
              } catch (Exception ex) {
                log.error("serving clients failed", ex);
                serving.completeExceptionally(ex);
                stopped.completeExceptionally(ex);
              }
            });
  }

  private synchronized void serveClients(NodeServices services) throws Exception {
    if (closed.get()) {
      return;
    }
    for (Listener l : clientListeners) {
      PortServer.Builder b = PortServer.builder(l).http(services.clientRouter(l.tls().isPresent()));
      if (l.role() != Listener.Role.CLIENT_HTTP) {
        b.grpc(services::addGrpc);
      }
      servers.add(b.start());
      log.atInfo()
          .addKeyValue("address", address(l))
          .log(
              l.tls().isPresent()
                  ? "serving client traffic securely"
                  : "serving client traffic insecurely; this is strongly discouraged!");
    }
    for (Listener l : metricsListeners) {
      HttpRouter metricsRouter = services.metricsRouter();
      servers.add(PortServer.builder(l).http(metricsRouter).start());
      log.atInfo().addKeyValue("address", l.url().toString()).log("serving metrics");
    }
    log.atInfo()
        .addKeyValue("local-member-id", Long.toHexString(server.memberId()))
        .addKeyValue("initial-advertise-peer-urls", strings(advertised.peerUrls()))
        .addKeyValue("listen-peer-urls", strings(peerUrls()))
        .addKeyValue("advertise-client-urls", strings(advertised.clientUrls()))
        .addKeyValue("listen-client-urls", strings(clientUrls()))
        .addKeyValue("listen-metrics-urls", strings(config.listenMetricsUrls()))
        .log("now serving peer/client/metrics");
  }

  /** Completes once the member has joined its cluster and its client ports serve. */
  public CompletableFuture<Void> readyFuture() {
    return serving;
  }

  /** Completes when the member stops; exceptionally with the error that stopped it. */
  public CompletableFuture<Void> stoppedFuture() {
    return stopped;
  }

  public EtcdServer server() {
    return server;
  }

  public Config config() {
    return config;
  }

  /** The client URLs this member publishes, an ephemeral port resolved to the bound one. */
  public List<URI> advertisedClientUrls() {
    return advertised.clientUrls();
  }

  /** The bound client URLs (an ephemeral port resolved), in {@code --listen-client-urls} order. */
  public List<URI> clientUrls() {
    return clientListeners.stream().map(Listeners::boundUrl).toList();
  }

  /** The bound peer URLs, in {@code --listen-peer-urls} order. */
  public List<URI> peerUrls() {
    return peerListeners.stream().map(Listeners::boundUrl).toList();
  }

  /**
   * etcd's {@code Etcd.Close}: stop serving clients (in-flight requests get {@link #STOP_GRACE}),
   * stop the member (WAL synced, backend committed), then close the peer ports and what else was
   * opened, in reverse order. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
    }
    log.atInfo()
        .addKeyValue("name", config.name())
        .addKeyValue("data-dir", config.effectiveDataDir().toString())
        .log("closing etcd server");
    serving.completeExceptionally(new IllegalStateException("etcd server closed"));
    for (PortServer s : servers) {
      try {
        s.shutdown(STOP_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.warn("stopping {} failed", s.listener().url(), e);
      }
    }
    while (!opened.isEmpty()) {
      AutoCloseable c = opened.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed", c, e);
      }
    }
    log.atInfo()
        .addKeyValue("name", config.name())
        .addKeyValue("data-dir", config.effectiveDataDir().toString())
        .log("closed etcd server");
    stopped.complete(null);
  }

  private static List<String> strings(List<URI> urls) {
    return urls.stream().map(URI::toString).toList();
  }

  /** Go's {@code Addr().String()}: host:port, or the socket path. */
  private static String address(Listener l) {
    return l.localAddress() instanceof java.net.InetSocketAddress a
        ? a.getAddress().getHostAddress() + ":" + a.getPort()
        : l.url().getPath();
  }

  private static java.util.concurrent.ThreadFactory daemon(String nameFormat) {
    return new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build();
  }
}
