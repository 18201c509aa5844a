package io.etcdj.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * bench/run's load generator: the same gRPC client (the proto module's stubs over grpc-java) drives
 * etcd 3.4 and the etcdj distribution in turn, A B A B, each a fresh single-member server on free
 * loopback ports and an empty data directory, and the medians go into a Markdown table. One thread
 * runs the rounds; completions run on the client's event loops.
 */
public final class Benchmark {
  static final String ETCD = "etcd";
  static final String ETCDJ = "etcdj";

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
        System.out.print(Options.USAGE);
        return;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    String section = run(options);
    System.out.println();
    System.out.print(section);
  }

  /** Runs every round and returns the generated section, also written to {@code --out}. */
  static String run(Options options) throws IOException, InterruptedException {
    requireExecutable(options.etcd(), "etcd");
    requireExecutable(options.etcdj(), "etcdj");
    List<Workload> workloads = selected(Workloads.all(new Random(1)), options);
    Machine machine = Machine.current();
    String date =
        ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    String loadBefore = Machine.loadAverage();
    double load1Before = Machine.loadAverage1();
    // "etcd Version: 3.4.23" -> "etcd 3.4.23"
    String etcdVersion = firstLine(options.etcd(), "--version").replace("Version: ", "");
    long clockTicks = ProcStats.clockTicksPerSecond();

    List<Measurement> measurements = new ArrayList<>();
    List<ReadyMeasurement> readies = new ArrayList<>();
    EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("bench-client", true));
    ScheduledExecutorService retry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-retry");
              t.setDaemon(true);
              return t;
            });
    Workload.Context context = new Workload.Context(group, retry);
    // A server still running when the JVM is stopped (Ctrl-C) is stopped with it.
    AtomicReference<ServerProcess> running = new AtomicReference<>();
    Thread hook = new Thread(() -> closeQuietly(running.get()), "bench-stop-server");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (options.clientWarmup()) {
        System.out.println("warming the load generator up against etcd (not recorded)");
        Window once = new Window(Duration.ofMillis(1500), Duration.ofMillis(100));
        session(
            ETCD,
            options.etcd(),
            Map.of(),
            0,
            workloads,
            once,
            context,
            running,
            clockTicks,
            null,
            null);
      }
      for (int round = 1; round <= options.rounds(); round++) {
        for (String server : List.of(ETCD, ETCDJ)) {
          Path binary = server.equals(ETCD) ? options.etcd() : options.etcdj();
          session(
              server,
              binary,
              env(server, options),
              round,
              workloads,
              options.window(),
              context,
              running,
              clockTicks,
              measurements,
              readies);
        }
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(hook);
      retry.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    String loadAfter = Machine.loadAverage();
    double load1 = Math.max(load1Before, Machine.loadAverage1());
    boolean loaded = !(load1 <= machine.nproc() / 2.0);
    Report.Run run =
        new Report.Run(
            date, options.label(), etcdVersion, machine, loadBefore, loadAfter, loaded, options);
    String section = Report.render(run, workloads, measurements, readies);
    if (options.out() != null) {
      ReadmeSection.write(options.out(), section);
    }
    return section;
  }

  // One server start, every workload, stop; figures go to the lists unless they are null.
  private static void session(
      String server,
      Path binary,
      Map<String, String> env,
      int round,
      List<Workload> workloads,
      Window window,
      Workload.Context context,
      AtomicReference<ServerProcess> running,
      long clockTicks,
      List<Measurement> measurements,
      List<ReadyMeasurement> readies)
      throws IOException, InterruptedException {
    try (ServerProcess p =
        ServerProcess.start(server, binary, env, round, context.group(), clockTicks)) {
      running.set(p);
      if (readies != null) {
        readies.add(p.ready());
        System.out.println(Report.line(p.ready()));
      }
      for (Workload w : workloads) {
        LoadResult r;
        try {
          r = w.run(p, window, context);
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              w.id() + " against " + server + " failed; server log:\n" + p.logTail(), e);
        }
        if (measurements != null) {
          Measurement m =
              Measurement.of(w, server, round, r, p.stats().rssBytes(), p.stats().pssBytes());
          measurements.add(m);
          System.out.println(Report.line(m));
        }
      }
    } finally {
      running.set(null);
    }
  }

  // --etcdj-java-opts reaches etcdj's launcher as JAVA_OPTS (for profiling); etcd gets nothing.
  private static Map<String, String> env(String server, Options options) {
    if (server.equals(ETCDJ) && !options.etcdjJavaOpts().isEmpty()) {
      return Map.of("JAVA_OPTS", options.etcdjJavaOpts());
    }
    return Map.of();
  }

  private static List<Workload> selected(List<Workload> all, Options options) {
    if (options.workloads().isEmpty()) {
      return all;
    }
    List<Workload> out = new ArrayList<>();
    for (Workload w : all) {
      if (options.workloads().contains(w.id())) {
        out.add(w);
      }
    }
    for (String id : options.workloads()) {
      if (all.stream().noneMatch(w -> w.id().equals(id))) {
        throw new IllegalArgumentException("unknown workload " + id);
      }
    }
    return out;
  }

  private static void requireExecutable(Path binary, String what) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException(what + " binary " + binary + " is not executable");
    }
  }

  private static String firstLine(Path binary, String arg)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary.toString(), arg).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().findFirst().orElse(binary.toString()).trim();
  }

  private static void closeQuietly(ServerProcess p) {
    if (p != null) {
      try {
        p.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("bench: could not stop " + p.name() + ": " + e);
      }
    }
  }
}
