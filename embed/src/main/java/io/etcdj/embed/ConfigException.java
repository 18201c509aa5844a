package io.etcdj.embed;

import java.util.List;

/**
 * A configuration etcd would refuse; the message is etcd's text for the same mistake.
 *
 * <p>Threading: immutable.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean unsetAdvertiseClientUrls;
  private final List<String> stderrLines;

  public ConfigException(String message) {
    this(message, false);
  }

  ConfigException(String message, boolean unsetAdvertiseClientUrls) {
    this(message, unsetAdvertiseClientUrls, List.of());
  }

  private ConfigException(
      String message, boolean unsetAdvertiseClientUrls, List<String> stderrLines) {
    super(message);
    this.unsetAdvertiseClientUrls = unsetAdvertiseClientUrls;
    this.stderrLines = List.copyOf(stderrLines);
  }

  ConfigException withStderrLines(List<String> lines) {
    ConfigException e = new ConfigException(getMessage(), unsetAdvertiseClientUrls, lines);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /**
   * The {@code [WARNING] ...} lines etcd had printed to stderr before it met this problem, as
   * {@link Config.Validation#stderrLines()} holds them on success.
   */
  public List<String> stderrLines() {
    return stderrLines;
  }

  /**
   * True for etcd's {@code ErrUnsetAdvertiseClientURLsFlag}, the one error etcdmain forgives when
   * the node may act as a v2 proxy and the one it follows with an extra hint.
   */
  public boolean isUnsetAdvertiseClientUrls() {
    return unsetAdvertiseClientUrls;
  }
}
