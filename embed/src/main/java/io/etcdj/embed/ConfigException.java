package io.etcdj.embed;

/**
 * A configuration etcd would refuse; the message is etcd's text for the same mistake.
 *
 * <p>Threading: immutable.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean unsetAdvertiseClientUrls;

  public ConfigException(String message) {
    this(message, false);
  }

  ConfigException(String message, boolean unsetAdvertiseClientUrls) {
    super(message);
    this.unsetAdvertiseClientUrls = unsetAdvertiseClientUrls;
  }

  /**
   * True for etcd's {@code ErrUnsetAdvertiseClientURLsFlag}, the one error etcdmain forgives when
   * the node may act as a v2 proxy and the one it follows with an extra hint.
   */
  public boolean isUnsetAdvertiseClientUrls() {
    return unsetAdvertiseClientUrls;
  }
}
