package io.etcdj.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code etcdj --version} reports: our release, the etcd API it speaks, and the runtime, in
 * the shape of etcd's own version banner ("etcd Version", "Git SHA", "Go Version", "Go OS/Arch").
 */
record VersionInfo(String etcdjVersion, String apiVersion, String javaVersion, String osArch) {

  private static final String RESOURCE = "version.properties";

  /** Reads the build's version stamp and the running JVM's facts. */
  static VersionInfo current() {
    Properties props = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE + " (broken build?)");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new VersionInfo(
        props.getProperty("etcdj.version"),
        props.getProperty("etcd.api.version"),
        System.getProperty("java.version"),
        goOs(System.getProperty("os.name")) + "/" + goArch(System.getProperty("os.arch")));
  }

  /** The banner, one fact a line. */
  String banner() {
    return String.join(
        System.lineSeparator(),
        "etcdj Version: " + etcdjVersion,
        "API Version: " + apiVersion,
        "Java Version: " + javaVersion,
        "Java OS/Arch: " + osArch);
  }

  // Go spells OS and architecture in lower case ("linux/amd64"); operators compare these strings.
  private static String goOs(String javaOsName) {
    String os = javaOsName.toLowerCase(Locale.ROOT);
    if (os.startsWith("mac")) {
      return "darwin";
    }
    if (os.startsWith("windows")) {
      return "windows";
    }
    return os.replace(' ', '_');
  }

  private static String goArch(String javaArch) {
    return switch (javaArch) {
      case "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> javaArch;
    };
  }
}
