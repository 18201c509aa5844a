package io.etcdj.etcdhttp.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition format 0.0.4 of a Dropwizard {@link MetricRegistry}, written as Go's
 * {@code expfmt} writes it: families sorted by name, {@code # HELP} and {@code # TYPE} lines,
 * series sorted by labels, numbers in Go's shortest {@code 'g'} form ({@code 2.147483648e+09}).
 *
 * <p>A registry name is a series: the family name, then optionally Prometheus labels as written on
 * the wire, {@code grpc_server_handled_total{grpc_code="OK",grpc_method="Range"}} ({@link #series}
 * builds them). {@link Counter} and {@link Meter} are counters, numeric {@link Gauge}s are gauges,
 * {@link BucketedHistogram} is a histogram; other Dropwizard types are not exported.
 *
 * <p>Stateless apart from the help texts; safe from any thread.
 */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Map<String, String> help;

  public PrometheusText(Map<String, String> help) {
    this.help = Map.copyOf(help);
  }

  /** A registry name for {@code family} with label pairs {@code k1, v1, k2, v2...}. */
  public static String series(String family, String... labels) {
    if (labels.length == 0) {
      return family;
    }
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("label names and values must alternate");
    }
    StringBuilder b = new StringBuilder(family).append('{');
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(labels[i]).append("=\"");
      escapeLabel(b, labels[i + 1]);
      b.append('"');
    }
    return b.append('}').toString();
  }

  private static void escapeLabel(StringBuilder b, String v) {
    for (char c : v.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
  }

  private record Series(String labels, Metric metric) {}

  public String write(MetricRegistry registry) {
    Map<String, List<Series>> families = new TreeMap<>();
    for (Map.Entry<String, Metric> e : registry.getMetrics().entrySet()) {
      String name = e.getKey();
      int brace = name.indexOf('{');
      String family = brace < 0 ? name : name.substring(0, brace);
      String labels = brace < 0 ? "" : name.substring(brace + 1, name.length() - 1);
      families
          .computeIfAbsent(family, k -> new ArrayList<>())
          .add(new Series(labels, e.getValue()));
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Series>> f : families.entrySet()) {
      List<Series> series = f.getValue();
      series.sort((a, b) -> a.labels().compareTo(b.labels()));
      String type = type(series.get(0).metric());
      if (type == null) {
        continue;
      }
      String h = help.get(f.getKey());
      if (h != null) {
        out.append("# HELP ").append(f.getKey()).append(' ').append(escapeHelp(h)).append('\n');
      }
      out.append("# TYPE ").append(f.getKey()).append(' ').append(type).append('\n');
      for (Series s : series) {
        writeSeries(out, f.getKey(), s, type);
      }
    }
    return out.toString();
  }

  private static String type(Metric m) {
    if (m instanceof Counter || m instanceof Meter) {
      return "counter";
    }
    if (m instanceof BucketedHistogram) {
      return "histogram";
    }
    if (m instanceof Gauge<?>) {
      return "gauge";
    }
    return null;
  }

  private static void writeSeries(StringBuilder out, String family, Series s, String type) {
    Metric m = s.metric();
    switch (type) {
      case "counter" -> {
        if (m instanceof DoubleCounter d) {
          sample(out, family, s.labels(), formatDouble(d.total()));
          return;
        }
        long v = m instanceof Counter c ? c.getCount() : ((Meter) m).getCount();
        sample(out, family, s.labels(), formatDouble(v));
      }
      case "gauge" -> {
        Object v = ((Gauge<?>) m).getValue();
        if (v instanceof Number n) {
          sample(out, family, s.labels(), formatDouble(n.doubleValue()));
        } else if (v instanceof Boolean bool) {
          sample(out, family, s.labels(), bool ? "1" : "0");
        }
      }
      case "histogram" -> {
        BucketedHistogram.Snapshot snap = ((BucketedHistogram) m).snapshot();
        for (int i = 0; i < snap.upperBounds().length; i++) {
          sample(
              out,
              family + "_bucket",
              join(s.labels(), "le=\"" + formatDouble(snap.upperBounds()[i]) + "\""),
              Long.toString(snap.cumulative()[i]));
        }
        sample(
            out, family + "_bucket", join(s.labels(), "le=\"+Inf\""), Long.toString(snap.count()));
        sample(out, family + "_sum", s.labels(), formatDouble(snap.sum()));
        sample(out, family + "_count", s.labels(), Long.toString(snap.count()));
      }
      default -> throw new IllegalStateException("unknown type " + type);
    }
  }

  private static String join(String labels, String more) {
    return labels.isEmpty() ? more : labels + "," + more;
  }

  private static void sample(StringBuilder out, String name, String labels, String value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static String escapeHelp(String h) {
    return h.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} (what {@code expfmt} writes), plus Inf/NaN.
   */
  static String formatDouble(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
    String sign = v < 0 ? "-" : "";
    // Go decides by the exponent with precision 6 when printing the shortest form.
    if (exp < -4 || exp >= 6) {
      StringBuilder b = new StringBuilder(sign).append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        b.append('0');
      }
      return b.append(a).toString();
    }
    return sign + d.abs().toPlainString();
  }
}
