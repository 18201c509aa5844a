package io.etcdj.transport.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PortMuxBench}'s four targets run side by side and interleaved (round-robin, rotating the
 * order each round), so a loaded machine slows them alike; prints each target's median ns/op over
 * the rounds and the mux/own ratios. A tool, not a test.
 *
 * <p>Run: {@code java -cp <test classpath> io.etcdj.transport.bench.PortMuxLoop [rounds] [calls]}.
 */
public final class PortMuxLoop {
  private PortMuxLoop() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    List<String> targets =
        List.of(System.getProperty("targets", "plain-mux,plain-own,tls-mux,tls-own").split(","));
    Map<String, PortMuxBench> benches = new LinkedHashMap<>();
    for (String t : targets) {
      PortMuxBench b = new PortMuxBench();
      b.target = t;
      b.setUp();
      benches.put(t, b);
    }
    Map<String, List<Double>> samples = new LinkedHashMap<>();
    targets.forEach(t -> samples.put(t, new ArrayList<>()));
    try {
      for (int r = -3; r < rounds; r++) { // three warm-up rounds
        for (int i = 0; i < targets.size(); i++) {
          String t = targets.get(Math.floorMod(i + r, targets.size()));
          PortMuxBench b = benches.get(t);
          long start = System.nanoTime();
          for (int c = 0; c < calls; c++) {
            b.unaryEcho();
          }
          double nsPerOp = (System.nanoTime() - start) / (double) calls;
          if (r >= 0) {
            samples.get(t).add(nsPerOp);
          }
        }
      }
    } finally {
      for (PortMuxBench b : benches.values()) {
        b.tearDown();
      }
    }
    Map<String, Double> median = new LinkedHashMap<>();
    samples.forEach((t, v) -> median.put(t, median(v)));
    median.forEach((t, m) -> System.out.printf("%-10s median %8.1f us/op%n", t, m / 1000));
    if (Boolean.getBoolean("verbose")) {
      samples.forEach(
          (t, v) ->
              System.out.println(
                  t + " " + v.stream().map(x -> String.format("%.0f", x / 1000)).toList()));
    }
    // Paired per round (the two ran back to back), so load drifting between rounds cancels out.
    for (String kind : List.of("plain", "tls")) {
      List<Double> mux = samples.get(kind + "-mux");
      List<Double> own = samples.get(kind + "-own");
      if (mux == null || own == null) {
        continue;
      }
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < mux.size(); i++) {
        ratios.add(mux.get(i) / own.get(i));
      }
      double[] q = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(
          "%s mux/own: median of per-round ratios %.3f (quartiles %.3f .. %.3f, %d rounds);"
              + " ratio of medians %.3f%n",
          kind,
          median(ratios),
          q[q.length / 4],
          q[(3 * q.length) / 4],
          q.length,
          median.get(kind + "-mux") / median.get(kind + "-own"));
    }
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}
