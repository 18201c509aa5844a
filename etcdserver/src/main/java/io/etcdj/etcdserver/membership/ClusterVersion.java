package io.etcdj.etcdserver.membership;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster version as etcd stores it ({@code go-semver}: {@code "3.4.0"}). Ordering uses major,
 * minor, patch; pre-release and build suffixes are kept in the text but not compared (etcd never
 * writes them).
 *
 * <p>Immutable.
 */
public record ClusterVersion(long major, long minor, long patch)
    implements Comparable<ClusterVersion> {
  private static final Pattern SEMVER =
      Pattern.compile("(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)([-+].*)?");

  /**
   * {@code semver.NewVersion}.
   *
   * @throws IllegalArgumentException when {@code s} is not {@code X.Y.Z[-pre][+meta]}
   */
  public static ClusterVersion parse(String s) {
    Matcher m = SEMVER.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s + " is not in dotted-tri format");
    }
    return new ClusterVersion(
        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
  }

  /** Only major.minor, the precision etcd compares server and cluster versions at. */
  public ClusterVersion majorMinor() {
    return new ClusterVersion(major, minor, 0);
  }

  /** {@code version.Cluster}: {@code "3.4"}, as logged and used in metrics labels. */
  public String cluster() {
    return major + "." + minor;
  }

  @Override
  public int compareTo(ClusterVersion o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    return c != 0 ? c : Long.compare(patch, o.patch);
  }

  public boolean lessThan(ClusterVersion o) {
    return compareTo(o) < 0;
  }

  /** The stored text, {@code "3.4.0"}. */
  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
