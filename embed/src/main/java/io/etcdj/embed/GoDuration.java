package io.etcdj.embed;

import java.time.Duration;

/**
 * Go's {@code time.Duration} text: {@code time.ParseDuration} ("1h30m", "1.5s", "100ms") and {@code
 * Duration.String} ("2h0m0s", "100ms", "0s"), the spelling etcd's flags, env variables and help
 * use.
 *
 * <p>Threading: stateless.
 */
public final class GoDuration {
  private GoDuration() {}

  /**
   * Parses Go duration text.
   *
   * @throws IllegalArgumentException with Go's {@code time: ...} text
   */
  public static Duration parse(String s) {
    String orig = s;
    boolean neg = false;
    int i = 0;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i == s.length()) {
      throw new IllegalArgumentException("time: invalid duration " + GoText.quote(orig));
    }
    double totalNanos = 0;
    long total = 0;
    while (i < s.length()) {
      int start = i;
      long whole = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
        whole = Math.multiplyExact(whole, 10) + (s.charAt(i) - '0');
        i++;
      }
      boolean pre = i > start;
      double frac = 0;
      double scale = 1;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          frac = frac * 10 + (s.charAt(i) - '0');
          scale *= 10;
          i++;
        }
        post = i > fs;
      }
      if (!pre && !post) {
        throw new IllegalArgumentException("time: invalid duration " + GoText.quote(orig));
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
        i++;
      }
      String unit = s.substring(us, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("time: missing unit in duration " + GoText.quote(orig));
      }
      long unitNanos =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default ->
                throw new IllegalArgumentException(
                    "time: unknown unit "
                        + GoText.quote(unit)
                        + " in duration "
                        + GoText.quote(orig));
          };
      try {
        total = Math.addExact(total, Math.multiplyExact(whole, unitNanos));
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("time: invalid duration " + GoText.quote(orig), e);
      }
      totalNanos += frac * unitNanos / scale;
    }
    long fracNanos = (long) totalNanos;
    try {
      total = Math.addExact(total, fracNanos);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("time: invalid duration " + GoText.quote(orig), e);
    }
    return Duration.ofNanos(neg ? -total : total);
  }

  /** Go's {@code Duration.String()}. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    boolean neg = nanos < 0;
    long u = Math.abs(nanos);
    StringBuilder sb = new StringBuilder();
    if (u < 1_000_000_000L) {
      String unit;
      int prec;
      if (u < 1_000L) {
        return (neg ? "-" : "") + u + "ns";
      } else if (u < 1_000_000L) {
        unit = "\u00b5s";
        prec = 3;
      } else {
        unit = "ms";
        prec = 6;
      }
      sb.append(fraction(u, prec)).append(unit);
    } else {
      long secsNanos = u % 60_000_000_000L;
      sb.append(fraction(secsNanos, 9)).append('s');
      long mins = u / 60_000_000_000L;
      if (mins > 0) {
        sb.insert(0, (mins % 60) + "m");
        long hours = mins / 60;
        if (hours > 0) {
          sb.insert(0, hours + "h");
        }
      }
    }
    return (neg ? "-" : "") + sb;
  }

  // v / 10^prec with the fraction's trailing zeros (and a bare '.') dropped, like Go's fmtFrac.
  private static String fraction(long v, int prec) {
    long pow = 1;
    for (int i = 0; i < prec; i++) {
      pow *= 10;
    }
    long whole = v / pow;
    long frac = v % pow;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String f = String.format("%0" + prec + "d", frac).replaceAll("0+$", "");
    return whole + "." + f;
  }
}
