package io.etcdj.server;

import io.etcdj.embed.Config;

/**
 * Where the command hands a parsed and validated {@link Config} to the node, once logging is set up
 * as the Config asks. Plugging in the server is one change: make {@link #DEFAULT} start the node,
 * call {@link SdNotify#ready()} once it serves clients, block until it stops, and return the exit
 * code.
 *
 * <p>Threading: called once, on the main thread.
 */
@FunctionalInterface
interface NodeLauncher {

  /**
   * Runs the node described by {@code config}; returns the process exit code.
   *
   * @param config validated; {@link Config#updateDefaultClusterFromName} already applied
   * @param notify tells systemd the node is ready (a no-op outside a {@code Type=notify} unit)
   */
  int launch(Config config, SdNotify notify) throws Exception;

  /** Starts an etcd member ({@link EtcdLauncher}). */
  NodeLauncher DEFAULT = EtcdLauncher::launch;
}
