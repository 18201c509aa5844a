package io.etcdj.server;

import io.etcdj.embed.GoText;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * etcd's {@code pkg/flags.SetFlagsFromEnv}: every flag not given on the command line takes the
 * value of {@code ETCD_<NAME>} (upper case, {@code -} as {@code _}) when that variable is
 * non-empty. A variable naming a flag the command line also set is fatal; other {@code ETCD_*}
 * variables are reported as unrecognized.
 *
 * <p>Threading: the main thread, during startup.
 */
final class EnvFlags {
  static final String PREFIX = "ETCD";

  /** The command line and the environment both set a flag: etcd exits with status 1. */
  static final class ShadowedException extends Exception {
    private static final long serialVersionUID = 1L;

    ShadowedException(String message) {
      super(message);
    }
  }

  /** A variable's value the flag refuses; message as etcd returns it. */
  static final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String message) {
      super(message);
    }
  }

  private EnvFlags() {}

  /** {@code ETCD_SOME_FLAG} for {@code some-flag}. */
  static String toEnv(String flag) {
    return PREFIX + "_" + flag.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Applies {@code env} to {@code fs}, logging through {@code log} as etcd does.
   *
   * @param env the process environment, in its order
   * @throws ShadowedException after a variable shadowed by a flag (checked last, as etcd does)
   * @throws InvalidValueException for the last variable (in flag order) the flag refused
   */
  static void apply(GoFlagSet fs, Map<String, String> env, PreLog log)
      throws ShadowedException, InvalidValueException {
    Set<String> alreadySet = new HashSet<>();
    for (String name : fs.setNames()) {
      alreadySet.add(toEnv(name));
    }
    Set<String> used = new HashSet<>();
    String error = null;
    for (String name : fs.names()) {
      String key = toEnv(name);
      if (alreadySet.contains(key)) {
        continue;
      }
      String val = env.get(key);
      if (val == null || val.isEmpty()) {
        continue;
      }
      used.add(key);
      try {
        fs.set(name, val);
        log.info(PreLog.PKG_FLAGS, "recognized and used environment variable " + key + "=" + val);
      } catch (IllegalArgumentException e) {
        error = "invalid value " + GoText.quote(val) + " for " + key + ": " + e.getMessage();
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String key = e.getKey();
      if (used.contains(key)) {
        continue;
      }
      if (alreadySet.contains(key)) {
        String msg =
            "conflicting environment variable "
                + GoText.quote(key)
                + " is shadowed by corresponding command-line flag (either unset environment"
                + " variable or disable flag)";
        log.critical(PreLog.PKG_FLAGS, msg);
        throw new ShadowedException(msg);
      }
      if (key.startsWith(PREFIX + "_")) {
        log.warning(
            PreLog.PKG_FLAGS, "unrecognized environment variable " + key + "=" + e.getValue());
      }
    }
    if (error != null) {
      throw new InvalidValueException(error);
    }
  }
}
