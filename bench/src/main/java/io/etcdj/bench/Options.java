package io.etcdj.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** The command line of {@link Benchmark}, checked once here. */
record Options(
    boolean quick,
    boolean clientWarmup,
    int rounds,
    Window window,
    Path etcd,
    Path etcdj,
    Path out,
    String label,
    String etcdjJavaOpts,
    Set<String> workloads) {

  static final String USAGE =
      """
      usage: Benchmark --etcdj PATH [--etcd /usr/bin/etcd] [--out FILE] [--quick] [--rounds N]
                       [--warmup SECONDS] [--measure SECONDS] [--workloads id,id,...] [--label TEXT]
                       [--etcdj-java-opts OPTS]
        --etcdj      the distribution's bin/etcdj
        --etcd       the reference etcd 3.4 binary (default /usr/bin/etcd)
        --out        the Markdown file whose generated section is (re)written (default: none)
        --quick      smoke run: 1 round, 0.1 s warm-up, 0.3 s measured per workload, and no
                     unrecorded pass to warm the load generator first
        --rounds     rounds of etcd then etcdj (default 3)
        --warmup     unmeasured seconds per workload (default 2)
        --measure    measured seconds per workload (default 4)
        --workloads  only these: put-1, put-100, range-l, range-s, txn-mixed, lease-keepalive, watch
        --label      how the report names the etcdj build (e.g. a commit)
        --etcdj-java-opts  JAVA_OPTS for etcdj's launcher only, e.g. to record a JFR profile
                     (the report says so: the two servers then differ by more than the binary)
      """;

  static Options parse(String[] args) {
    boolean quick = false;
    Integer rounds = null;
    Double warmup = null;
    Double measure = null;
    Path etcd = Path.of("/usr/bin/etcd");
    Path etcdj = null;
    Path out = null;
    String label = "(unlabelled build)";
    String etcdjJavaOpts = "";
    Set<String> workloads = new LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
        case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, a));
        case "--measure" -> measure = Double.parseDouble(value(args, ++i, a));
        case "--etcd" -> etcd = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--etcdj" -> etcdj = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--out" -> out = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--label" -> label = value(args, ++i, a);
        case "--etcdj-java-opts" -> etcdjJavaOpts = value(args, ++i, a);
        case "--workloads" -> {
          for (String id : value(args, ++i, a).split(",")) {
            if (!id.isBlank()) {
              workloads.add(id.trim());
            }
          }
        }
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (etcdj == null) {
      throw new IllegalArgumentException("--etcdj is required");
    }
    int r = rounds != null ? rounds : quick ? 1 : 3;
    double w = warmup != null ? warmup : quick ? 0.1 : 2;
    double m = measure != null ? measure : quick ? 0.3 : 4;
    if (r < 1 || w < 0 || m <= 0) {
      throw new IllegalArgumentException("--rounds must be at least 1 and --measure positive");
    }
    return new Options(
        quick,
        !quick,
        r,
        new Window(seconds(w), seconds(m)),
        etcd,
        etcdj,
        out,
        label,
        etcdjJavaOpts,
        Set.copyOf(workloads));
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
