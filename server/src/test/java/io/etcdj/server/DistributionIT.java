package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The assembled {@code server/target/etcdj-<v>.tar.gz}: launcher, environment file, systemd unit
 * and the libraries, with the modes an operator needs. Runs after {@code package}.
 */
class DistributionIT {

  private record Entry(int mode, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @Test
  void tarballHoldsLauncherConfigUnitAndLibraries() throws IOException {
    String version = System.getProperty("etcdj.version");
    Path tarball = Path.of(System.getProperty("etcdj.tarball"));
    assertThat(tarball).exists();
    Map<String, Entry> entries = read(tarball);
    String base = "etcdj-" + version + "/";

    Entry bin = entries.get(base + "bin/etcdj");
    assertThat(bin).as("bin/etcdj").isNotNull();
    assertThat(bin.mode() & 0111).as("bin/etcdj executable").isEqualTo(0111);
    assertThat(bin.text())
        .contains("exec \"$java_cmd\"")
        .contains("ETCDJ_HEAP")
        .contains("-XX:+UseZGC")
        .contains("--add-opens java.base/java.nio=ALL-UNNAMED")
        .contains("io.etcdj.server.EtcdMain");

    Entry conf = entries.get(base + "conf/etcd.conf");
    assertThat(conf).as("conf/etcd.conf").isNotNull();
    for (String section :
        new String[] {
          "#[Member]",
          "#[Clustering]",
          "#[Proxy]",
          "#[Security]",
          "#[Logging]",
          "#[Auth]",
          "#[Unsafe]",
          "#[Profiling]"
        }) {
      assertThat(conf.text()).contains("\n" + section + "\n");
    }

    Entry unit = entries.get(base + "systemd/etcdj.service");
    assertThat(unit).as("systemd/etcdj.service").isNotNull();
    assertThat(unit.text())
        .contains("\nType=notify\n")
        .contains("\nEnvironmentFile=-/etc/etcd/etcd.conf\n")
        .contains("\nUser=etcd\n")
        .contains("\nLimitNOFILE=");

    assertThat(entries.keySet())
        .anyMatch(n -> n.matches(base + "lib/etcdj-server-.*\\.jar"))
        .anyMatch(n -> n.matches(base + "lib/etcdj-embed-.*\\.jar"))
        .anyMatch(n -> n.matches(base + "lib/logback-classic-.*\\.jar"))
        .anyMatch(n -> n.matches(base + "lib/netty-transport-native-epoll-.*linux-x86_64\\.jar"));
    assertThat(entries.keySet()).noneMatch(n -> n.contains("picocli"));
  }

  // A ustar reader: 512-byte headers, name at 0 (prefix at 345), octal mode at 100, size at 124.
  private static Map<String, Entry> read(Path tarball) throws IOException {
    Map<String, Entry> out = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
      byte[] header = new byte[512];
      String longName = null;
      while (in.readNBytes(header, 0, 512) == 512) {
        if (header[0] == 0) {
          break;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        int mode = (int) octal(header, 100, 8);
        long size = octal(header, 124, 12);
        byte type = header[156];
        byte[] body = in.readNBytes((int) size);
        in.readNBytes((int) ((512 - size % 512) % 512));
        if (type == 'L') { // GNU long name for the next entry
          longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
          continue;
        }
        if (longName != null) {
          name = longName;
          longName = null;
        }
        out.put(name, new Entry(mode, body));
      }
    }
    return out;
  }

  private static String field(byte[] h, int off, int len) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = off; i < off + len && h[i] != 0; i++) {
      b.write(h[i]);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len) {
    String s = field(h, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
