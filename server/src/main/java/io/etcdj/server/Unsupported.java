package io.etcdj.server;

import io.etcdj.embed.Config;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Settings etcd 3.4 accepts that etcdj does not implement (yet). Each is refused at startup with a
 * message naming the flag, so no setting is silently ignored; remove an entry when the feature
 * lands. The exceptions only add debugging or legacy endpoints and are on in etcd's own sample
 * config ({@code etcd.conf.yml.sample}: {@code enable-v2}, {@code enable-pprof}): those are ignored
 * with a warning, so etcdj starts from that file as etcd does.
 *
 * <p>Threading: stateless.
 */
final class Unsupported {
  private Unsupported() {}

  private record Rule(String flag, Predicate<Config> used, String why, boolean refused) {
    Rule(String flag, Predicate<Config> used, String why) {
      this(flag, used, why, true);
    }
  }

  private static final List<Rule> RULES =
      List.of(
          new Rule("--proxy", c -> !c.proxy().equals("off"), "the v2 proxy is not implemented"),
          new Rule(
              "--discovery",
              c -> !c.discovery().isEmpty(),
              "discovery-service bootstrap is not implemented; use --initial-cluster"),
          new Rule(
              "--discovery-srv",
              c -> !c.discoverySrv().isEmpty(),
              "DNS discovery is not implemented; use --initial-cluster"),
          new Rule("--enable-v2", Config::enableV2, "the v2 API is not implemented", false),
          new Rule(
              "--experimental-enable-v2v3",
              c -> !c.experimentalEnableV2V3().isEmpty(),
              "the v2 API is not implemented"),
          new Rule(
              "--enable-pprof", Config::enablePprof, "Go's pprof has no JVM counterpart", false));

  /** The message for the first refused setting {@code c} uses, if any. */
  static Optional<String> check(Config c) {
    for (Rule r : RULES) {
      if (r.refused() && r.used().test(c)) {
        return Optional.of("etcdj does not support " + r.flag() + " yet: " + r.why());
      }
    }
    return Optional.empty();
  }

  /** One warning for each ignored setting {@code c} uses. */
  static List<String> warnings(Config c) {
    return RULES.stream()
        .filter(r -> !r.refused() && r.used().test(c))
        .map(r -> "etcdj does not support " + r.flag() + " yet: " + r.why() + "; ignored")
        .toList();
  }
}
