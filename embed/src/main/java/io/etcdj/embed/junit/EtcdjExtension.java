package io.etcdj.embed.junit;

import static java.util.Objects.requireNonNull;

import io.etcdj.embed.Config;
import io.etcdj.embed.Etcd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs one embedded etcdj member for a test class or for each test: a
 * fresh temp data dir, loopback and ephemeral ports ({@link Config#forEmbedding}), stopped and its
 * dir deleted afterwards.
 *
 * <pre>{@code
 * class MyTest {
 *   @RegisterExtension static EtcdjExtension etcd = EtcdjExtension.builder().build();
 *
 *   @Test void talksToEtcd() {
 *     URI endpoint = etcd.clientEndpoint(); // http://127.0.0.1:<port>, for jetcd or grpc-java
 *   }
 * }
 * }</pre>
 *
 * <p>{@link Lifecycle#PER_CLASS} (the default) starts the member before the first test of the class
 * when the field is static, or before each test when it is an instance field (JUnit calls the
 * class-level callbacks only for static fields); {@link Lifecycle#PER_TEST} gives every test its
 * own empty member. junit-jupiter-api is an optional dependency of the embed module: a project that
 * uses this class has it on its test class path already.
 *
 * <p>Threading: JUnit calls the callbacks on the test thread; the getters may be called from any
 * thread while the member runs.
 */
public final class EtcdjExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** When the member is started and stopped. */
  public enum Lifecycle {
    /** One member for all the tests of the class (or of each test, for an instance field). */
    PER_CLASS,
    /** A new, empty member for every test. */
    PER_TEST
  }

  /** Options of an {@link EtcdjExtension}. */
  public static final class Builder {
    private Lifecycle lifecycle = Lifecycle.PER_CLASS;
    private Consumer<Config> configurer = c -> {};
    private Duration startTimeout = Duration.ofSeconds(30);

    private Builder() {}

    public Builder lifecycle(Lifecycle lifecycle) {
      this.lifecycle = requireNonNull(lifecycle, "lifecycle");
      return this;
    }

    /** Shorthand for {@code lifecycle(Lifecycle.PER_TEST)}. */
    public Builder perTest() {
      return lifecycle(Lifecycle.PER_TEST);
    }

    /**
     * Adjusts the {@link Config#forEmbedding} config before each start (a name, {@code maxTxnOps},
     * TLS...). The data dir is the extension's.
     */
    public Builder configure(Consumer<Config> configurer) {
      this.configurer = requireNonNull(configurer, "configurer");
      return this;
    }

    /** How long a start may take before the test fails (default 30 s). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    public EtcdjExtension build() {
      return new EtcdjExtension(this);
    }
  }

  private final Lifecycle lifecycle;
  private final Consumer<Config> configurer;
  private final Duration startTimeout;
  // Written and read on the test thread; volatile for getters called from a test's own threads.
  private volatile Etcd etcd;
  private volatile Path tempDir;
  private boolean startedForClass;
  private int classDepth;

  private EtcdjExtension(Builder b) {
    this.lifecycle = b.lifecycle;
    this.configurer = b.configurer;
    this.startTimeout = b.startTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    // @Nested classes inherit a static extension: their beforeAll/afterAll nest in the outer's
    if (lifecycle == Lifecycle.PER_CLASS && classDepth++ == 0) {
      start();
      startedForClass = true;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_CLASS && --classDepth == 0 && startedForClass) {
      startedForClass = false;
      stop();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!startedForClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!startedForClass) {
      stop();
    }
  }

  /** The member's first client URL, {@code http://127.0.0.1:<port>}. */
  public URI clientEndpoint() {
    return clientEndpoints().get(0);
  }

  /** Every bound client URL. */
  public List<URI> clientEndpoints() {
    return running().clientUrls();
  }

  /** {@code host:port} of {@link #clientEndpoint()}, the form grpc-java's forTarget takes. */
  public String clientTarget() {
    URI u = clientEndpoint();
    return u.getHost() + ":" + u.getPort();
  }

  /** The running member, for what the other getters do not cover. */
  public Etcd etcd() {
    return running();
  }

  /** The member's data dir, inside a temp dir that is deleted when the member stops. */
  public Path dataDir() {
    running();
    return tempDir.resolve("data");
  }

  private Etcd running() {
    Etcd e = etcd;
    if (e == null) {
      throw new IllegalStateException("the etcdj member is not running (outside a test?)");
    }
    return e;
  }

  private void start() throws Exception {
    Path dir = Files.createTempDirectory("etcdj-junit");
    try {
      Config config = Config.forEmbedding(dir.resolve("data"));
      String defaultCluster = config.initialCluster();
      configurer.accept(config);
      if (config.initialCluster().equals(defaultCluster)) {
        // a renamed member bootstraps under its new name, as etcd's --name alone does
        config.initialCluster(config.initialClusterFromName(config.name()));
      }
      config.dataDir(dir.resolve("data").toString());
      Etcd e = Etcd.start(config);
      try {
        e.readyFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception ex) {
        e.close();
        throw ex;
      }
      tempDir = dir;
      etcd = e;
    } catch (Exception | Error ex) {
      delete(dir);
      throw ex;
    }
  }

  private void stop() {
    Etcd e = etcd;
    Path dir = tempDir;
    etcd = null;
    tempDir = null;
    if (e != null) {
      e.close();
    }
    if (dir != null) {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dir, e);
    }
  }
}
