package io.etcdj.storage.lease;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimum and maximum TTL rules checked against a real etcd 3.4.23 started with an unusual raft
 * timing (5 election ticks of 500 ms), where etcd's integer arithmetic gives a 4 s minimum.
 */
class EtcdReferenceLeaseTest {
  private static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
  private static final Pattern GRANTED = Pattern.compile("granted with TTL\\((\\d+)s\\)");

  @TempDir static Path dataDir;
  private static Process etcd;
  private static String endpoint;

  @BeforeAll
  static void startEtcd() throws Exception {
    assumeTrue(Files.isExecutable(ETCD) && Files.isExecutable(ETCDCTL), "etcd not installed");
    int client = freePort();
    int peer = freePort();
    endpoint = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    etcd =
        new ProcessBuilder(
                ETCD.toString(),
                "--name=ref",
                "--data-dir=" + dataDir.resolve("ref.etcd"),
                "--listen-client-urls=" + endpoint,
                "--advertise-client-urls=" + endpoint,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=ref=" + peerUrl,
                "--heartbeat-interval=500",
                "--election-timeout=2500")
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("etcd.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!etcdctl("endpoint", "health").contains("is healthy")) {
      if (System.nanoTime() - deadline > 0 || !etcd.isAlive()) {
        throw new IllegalStateException(
            "etcd did not become healthy: " + Files.readString(dataDir.resolve("etcd.log")));
      }
      // Waiting on an external process: no fake clock applies here.
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopEtcd() throws InterruptedException {
    if (etcd != null) {
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
        etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String etcdctl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints=" + endpoint));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  private static long grantedTtl(String output) {
    Matcher m = GRANTED.matcher(output);
    assertThat(m.find()).as("etcdctl output: %s", output).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void shortTtlIsRaisedToTheSameMinimumAsEtcd() throws Exception {
    long etcdTtl = grantedTtl(etcdctl("lease", "grant", "1"));

    long min = LessorConfig.minLeaseTtlFor(5, Duration.ofMillis(500));
    LessorImpl le =
        new LessorImpl(
            new MemoryLeaseBucket(), LessorConfig.withMinLeaseTtl(min), new FakeNanoClock());
    try {
      assertThat(le.grant(1, 1).ttl()).isEqualTo(etcdTtl).isEqualTo(4);
      // A TTL above the minimum is kept as asked, by both.
      assertThat(grantedTtl(etcdctl("lease", "grant", "5"))).isEqualTo(le.grant(2, 5).ttl());
    } finally {
      le.close();
    }
  }

  @Test
  void ttlAboveTheMaximumIsRejectedLikeEtcd() throws Exception {
    assertThat(etcdctl("lease", "grant", String.valueOf(Lessor.MAX_LEASE_TTL + 1)))
        .contains("etcdserver: too large lease TTL");
    assertThat(grantedTtl(etcdctl("lease", "grant", String.valueOf(Lessor.MAX_LEASE_TTL))))
        .isEqualTo(Lessor.MAX_LEASE_TTL);
  }
}
