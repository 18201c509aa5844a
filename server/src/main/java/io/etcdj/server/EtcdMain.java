package io.etcdj.server;

import ch.qos.logback.classic.LoggerContext;
import io.etcdj.embed.Config;
import io.etcdj.embed.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code etcdj} command, counterpart of etcd 3.4's {@code etcdmain}: parses the command line
 * with Go's flag rules ({@link GoFlagSet}, {@link EtcdFlags}), then reads either the config file or
 * the {@code ETCD_*} environment, validates, sets up logging, and hands the Config to the {@link
 * NodeLauncher}. Output and exit codes are etcd's: 2 for a command line Go's flag package refuses
 * (after the usage text), 1 for any other refusal, 0 for {@code --help} and {@code --version}.
 *
 * <p>Threading: {@link #run} is called once, on the main thread.
 */
public final class EtcdMain {

  /** Exit code etcd uses for a bad setting or a failed start. */
  static final int EXIT_ERROR = 1;

  /** Exit code of Go's flag package for a command line it cannot parse. */
  static final int EXIT_USAGE = 2;

  // Named so capnslog lines read "etcdmain: ..." as etcd's do; zap's caller comes from the frame.
  private static final String LOGGER_NAME = "io.etcdj.etcdmain.EtcdMain";

  private static final String USAGE = resource("usage.txt");
  private static final String FLAGS = resource("flags.txt");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Clock clock;
  private final LoggerContext logContext;
  private final NodeLauncher launcher;
  private final PreLog pre;

  EtcdMain(
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Clock clock,
      LoggerContext logContext,
      NodeLauncher launcher) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
    this.logContext = logContext;
    this.launcher = launcher;
    this.pre = new PreLog(err, clock);
  }

  public static void main(String[] args) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    EtcdMain main =
        new EtcdMain(
            System.out,
            System.err,
            new LinkedHashMap<>(System.getenv()),
            Clock.systemDefaultZone(),
            ctx,
            NodeLauncher.DEFAULT);
    int code = main.run(List.of(args));
    ctx.stop(); // flush file appenders
    System.exit(code);
  }

  /** Parses {@code args} and runs the command; returns the process exit code. */
  int run(List<String> args) {
    EtcdFlags flags = new EtcdFlags(msg -> pre.warning(PreLog.PKG_FLAGS, msg));
    GoFlagSet fs = flags.flagSet();
    try {
      fs.parse(args);
    } catch (GoFlagSet.ParseException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    } catch (GoFlagSet.HelpRequested e) {
      err.println(USAGE);
      out.println(FLAGS);
      return 0;
    }
    if (!fs.args().isEmpty()) {
      return verifyFailed("'" + fs.args().get(0) + "' is not a valid flag");
    }
    if (flags.version()) {
      out.println(VersionInfo.current().banner());
      return 0;
    }
    String configFile = flags.configFile();
    if (configFile.isEmpty()) {
      configFile = env.getOrDefault(EnvFlags.toEnv("config-file"), "");
    }
    Config config;
    Config.Validation validation;
    boolean fromFile = !configFile.isEmpty();
    ConfigFile.FileException afterValidation = null;
    if (fromFile) {
      try {
        ConfigFile.Loaded loaded = ConfigFile.read(Path.of(configFile));
        config = loaded.config();
        validation = validate(config);
        afterValidation = loaded.afterValidation();
      } catch (ConfigFile.FileException e) {
        return fileFailed(configFile, e);
      } catch (ConfigException e) {
        e.stderrLines().forEach(pre::raw);
        loadingFile(configFile);
        return verifyFailed(e.getMessage());
      }
      if (afterValidation != null && afterValidation.report() != ConfigFile.Report.VERIFY) {
        validation.stderrLines().forEach(pre::raw);
        return fileFailed(configFile, afterValidation);
      }
    } else {
      try {
        EnvFlags.apply(fs, env, pre);
      } catch (EnvFlags.ShadowedException e) {
        return EXIT_ERROR; // already logged as capnslog's fatal line
      } catch (EnvFlags.InvalidValueException e) {
        return verifyFailed(e.getMessage());
      }
      config = flags.finish();
      try {
        validation = validate(config);
      } catch (ConfigException e) {
        if (e.isUnsetAdvertiseClientUrls() && EtcdFlags.mayBeProxy(config)) {
          validation = new Config.Validation(e.stderrLines(), List.of());
        } else {
          e.stderrLines().forEach(pre::raw);
          return verifyFailed(config, e);
        }
      }
    }
    validation.stderrLines().forEach(pre::raw);
    try {
      LogSetup.configure(logContext, config, out, err, clock.getZone());
    } catch (LogSetup.UnsupportedException e) {
      return verifyFailed(e.getMessage());
    }
    Logger log = logContext.getLogger(LOGGER_NAME);
    if (fromFile) {
      if (config.logger().equals(Config.LOGGER_ZAP)) {
        log.atInfo()
            .addKeyValue("path", configFile)
            .log(
                "loaded server configuration, other configuration command line flags and"
                    + " environment variables will be ignored if provided");
      } else {
        log.info(loadingFileText(configFile));
      }
    }
    if (afterValidation != null) {
      // etcd decodes the proxy settings after its logger is up and reports through it
      return reportVerify(log, config, afterValidation.getMessage());
    }
    validation.logWarnings().forEach(log::warn);
    Optional<String> unsupported = Unsupported.check(config);
    if (unsupported.isPresent()) {
      log.error(unsupported.get());
      return EXIT_ERROR;
    }
    for (String w : Unsupported.warnings(config)) {
      log.warn(w);
    }
    config.updateDefaultClusterFromName(flags.defaultInitialCluster());
    try {
      return launcher.launch(config, SdNotify.fromEnvironment(env));
    } catch (Exception e) {
      log.atError().setCause(e).log("etcdj stopped on an error");
      return EXIT_ERROR;
    }
  }

  private int fileFailed(String configFile, ConfigFile.FileException e) {
    switch (e.report()) {
      case PLAIN -> err.println(e.getMessage());
      // Go's log.Fatalf, which capnslog prints with its time and level but no package
      case LOG_FATAL ->
          err.println(CapnslogLine.format(clock, 'I', "", e.getMessage()).replace(" | : ", " | "));
      case VERIFY -> {
        loadingFile(configFile);
        verifyFailed(e.getMessage());
      }
    }
    return EXIT_ERROR;
  }

  private int reportVerify(Logger log, Config config, String message) {
    if (config.logger().equals(Config.LOGGER_ZAP)) {
      log.atWarn().addKeyValue("error", message).log("failed to verify flags");
    } else {
      log.error("error verifying flags, " + message + ". See 'etcd --help'.");
    }
    return EXIT_ERROR;
  }

  private static Config.Validation validate(Config config) throws ConfigException {
    return config.validate();
  }

  private void loadingFile(String path) {
    pre.info(PreLog.ETCDMAIN, loadingFileText(path));
  }

  private static String loadingFileText(String path) {
    return "Loading server configuration from "
        + io.etcdj.embed.GoText.quote(path)
        + ". Other configuration command line flags and environment variables will be ignored if"
        + " provided.";
  }

  // Before a logger exists etcd reports through capnslog.
  private int verifyFailed(String message) {
    pre.error(PreLog.ETCDMAIN, "error verifying flags, " + message + ". See 'etcd --help'.");
    return EXIT_ERROR;
  }

  // After validation failed: zap's logger exists when the logging settings were good.
  private int verifyFailed(Config config, ConfigException e) {
    boolean zapReady = false;
    if (config.logger().equals(Config.LOGGER_ZAP) && loggingValid(config)) {
      try {
        LogSetup.configure(logContext, config, out, err, clock.getZone());
        zapReady = true;
      } catch (LogSetup.UnsupportedException ignored) {
        // fall back to capnslog, as etcd does when its logger could not be built
      }
    }
    if (!zapReady) {
      verifyFailed(e.getMessage());
      if (e.isUnsetAdvertiseClientUrls()) {
        pre.error(
            PreLog.ETCDMAIN,
            "When listening on specific address(es), this etcd process must advertise accessible"
                + " url(s) to each connected client.");
      }
      return EXIT_ERROR;
    }
    Logger log = logContext.getLogger(LOGGER_NAME);
    log.atWarn().addKeyValue("error", e.getMessage()).log("failed to verify flags");
    if (e.isUnsetAdvertiseClientUrls()) {
      log.atWarn().addKeyValue("error", e.getMessage()).log("advertise client URLs are not set");
    }
    return EXIT_ERROR;
  }

  // etcd builds its logger first in Validate; when the logging settings themselves are what
  // failed, no logger exists and etcd reports through capnslog.
  private static boolean loggingValid(Config c) {
    Config logging =
        new Config()
            .logger(c.logger())
            .logLevel(c.logLevel())
            .logOutputs(c.logOutputs())
            .deprecatedLogOutput(c.deprecatedLogOutput())
            .debug(c.debug())
            .logPackageLevels(c.logPackageLevels());
    try {
      logging.validate();
      return true;
    } catch (ConfigException e) {
      return false;
    }
  }

  private static String resource(String name) {
    try (InputStream in = EtcdMain.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " (broken build?)");
      }
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
