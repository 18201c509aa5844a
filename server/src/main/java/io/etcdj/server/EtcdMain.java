package io.etcdj.server;

import io.etcdj.embed.Config;
import io.etcdj.embed.ConfigException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code etcdj} command, counterpart of etcd's {@code etcdmain}. Flags follow etcd's names; the
 * node itself is started once the server issues land.
 */
@Command(name = "etcdj", mixinStandardHelpOptions = false, sortOptions = false)
public final class EtcdMain implements Callable<Integer> {

  /** Exit code etcd uses for a bad command line or a failed start. */
  static final int EXIT_ERROR = 1;

  @Option(names = "--version", description = "Print the version and exit.")
  boolean version;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  private final PrintStream out;
  private final PrintStream err;

  EtcdMain(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Parses {@code args} and runs the command; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cmd = new CommandLine(new EtcdMain(out, err));
    cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("etcdj: " + ex.getMessage());
          return EXIT_ERROR;
        });
    return cmd.execute(args);
  }

  @Override
  public Integer call() {
    if (version) {
      out.println(VersionInfo.current().banner());
      return 0;
    }
    Config config = new Config();
    try {
      config.validate();
      return NodeLauncher.DEFAULT.launch(config, err);
    } catch (ConfigException e) {
      err.println("etcdj: " + e.getMessage());
      return EXIT_ERROR;
    } catch (Exception e) {
      err.println("etcdj: " + e);
      return EXIT_ERROR;
    }
  }
}
