package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * conf/etcd.conf names every etcd flag as its ETCD_* variable with etcd's default, and every value
 * in it is one the command accepts.
 */
class EtcdConfTest {
  private static final Path CONF = Path.of("src/main/dist/conf/etcd.conf");
  private static final Pattern LINE = Pattern.compile("^#?(ETCD_[A-Z0-9_]+)=\"(.*)\"$");

  private static Map<String, String> variables() throws Exception {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : Files.readAllLines(CONF)) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        vars.put(m.group(1), m.group(2));
      }
    }
    return vars;
  }

  @Test
  void everyFlagHasItsVariableAndEveryVariableIsAFlag() throws Exception {
    Map<String, String> vars = variables();
    List<String> expected = new ArrayList<>();
    for (String name : new EtcdFlags(w -> {}).flagSet().names()) {
      if (!EtcdFlags.IGNORED.contains(name)) {
        expected.add(EnvFlags.toEnv(name));
      }
    }
    assertThat(vars.keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyValueIsAccepted() throws Exception {
    Cli cli = new Cli();
    for (Map.Entry<String, String> e : variables().entrySet()) {
      // empty means unset to etcd (and is reported as unrecognized), so it is left out
      if (!e.getValue().isEmpty() && !e.getKey().equals("ETCD_VERSION")) {
        cli.env(e.getKey(), e.getValue());
      }
    }
    assertThat(cli.run()).as(cli.err()).isZero();
    assertThat(cli.err()).doesNotContain("unrecognized").doesNotContain("\"level\":\"warn\"");
    assertThat(cli.launched.dataDir()).isEqualTo("/var/lib/etcd/default.etcd");
  }

  @Test
  void onlyTheRpmsFourVariablesAreActive() throws Exception {
    List<String> active = new ArrayList<>();
    for (String line : Files.readAllLines(CONF)) {
      if (line.startsWith("ETCD_")) {
        active.add(line.substring(0, line.indexOf('=')));
      }
    }
    assertThat(active)
        .containsExactly(
            "ETCD_DATA_DIR", "ETCD_LISTEN_CLIENT_URLS", "ETCD_NAME", "ETCD_ADVERTISE_CLIENT_URLS");
  }
}
