package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.embed.Config;
import io.etcdj.embed.Etcd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Maintenance.Snapshot} sends a bbolt file that etcd's own tools take: Go's {@code etcdctl
 * snapshot save} verifies its sha256, {@code snapshot status} reads it, {@code snapshot restore}
 * turns it into a data dir, and real etcd 3.4.23 started there serves the same keys, revision and
 * HashKV as the etcdj member it came from.
 */
class SnapshotInteropTest {
  @TempDir Path dir;

  @Test
  void etcdctlSnapshotSaveStatusRestoreAndRealEtcdServesTheSameData() throws Exception {
    RealEtcd.requireInstalled();
    Path db = dir.resolve("snap.db");
    String keys;
    String hashKv;
    long rev;
    try (Etcd etcd = Etcd.start(Config.forEmbedding(dir.resolve("etcdj")))) {
      etcd.readyFuture().get(30, TimeUnit.SECONDS);
      URI u = etcd.clientUrls().get(0);
      for (int i = 0; i < 300; i++) {
        ctl(u, "put", String.format("key-%04d", i), "value-" + i + "-".repeat(i % 40));
      }
      ctl(u, "put", "big", "x".repeat(20_000)); // an overflow page
      ctl(u, "del", "key-01", "--prefix");
      ctl(u, "put", "key-0005", "again");
      rev = revision(ctl(u, "get", "key-0005", "-w", "json"));
      ctl(u, "compact", String.valueOf(rev - 5));
      keys = ctl(u, "get", "", "--prefix", "-w", "json");
      hashKv = hash(ctl(u, "endpoint", "hashkv", "--rev=" + rev, "-w", "json"));

      String saved = ctl(u, "snapshot", "save", db.toString());
      assertThat(saved).contains("Snapshot saved at " + db);
    }
    assertThat(Files.size(db) % 512).isEqualTo(32); // etcdctl's check: pages + sha256

    String status = ctl(null, "snapshot", "status", db.toString(), "-w", "json");
    assertThat(status).contains("\"revision\":" + rev);

    int peer = freePort();
    int client = freePort();
    Path restored = dir.resolve("restored");
    ctl(
        null,
        "snapshot",
        "restore",
        db.toString(),
        "--data-dir=" + restored,
        "--name=r",
        "--initial-cluster=r=http://127.0.0.1:" + peer,
        "--initial-advertise-peer-urls=http://127.0.0.1:" + peer);

    Process real =
        RealEtcd.start(
            dir,
            List.of(
                "--name=r",
                "--data-dir=" + restored,
                "--listen-client-urls=http://127.0.0.1:" + client,
                "--advertise-client-urls=http://127.0.0.1:" + client,
                "--listen-peer-urls=http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
                "--initial-cluster=r=http://127.0.0.1:" + peer));
    try {
      URI ru = URI.create("http://127.0.0.1:" + client);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> healthy(ru));
      String realKeys = ctl(ru, "get", "", "--prefix", "-w", "json");
      assertThat(kvsOf(realKeys)).isEqualTo(kvsOf(keys));
      assertThat(hash(ctl(ru, "endpoint", "hashkv", "--rev=" + rev, "-w", "json")))
          .isEqualTo(hashKv);
    } finally {
      real.destroy();
      if (!real.waitFor(10, TimeUnit.SECONDS)) {
        real.destroyForcibly().waitFor();
      }
    }
  }

  private static boolean healthy(URI u) {
    try {
      return run(u, "endpoint", "health").contains("is healthy");
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  private static long revision(String json) {
    Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static String hash(String json) {
    Matcher m = Pattern.compile("\"hash\":(\\d+)").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  /** The kvs array: identical across members except the header (cluster/member IDs, term). */
  private static String kvsOf(String json) {
    int i = json.indexOf("\"kvs\":");
    assertThat(i).as(json).isPositive();
    return json.substring(i);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String ctl(URI endpoint, String... args) throws Exception {
    String out = run(endpoint, args);
    return out;
  }

  private static String run(URI endpoint, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--command-timeout=20s"));
    if (endpoint != null) {
      cmd.add("--endpoints=" + endpoint);
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String s = out.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + s).isZero();
    return s;
  }
}
