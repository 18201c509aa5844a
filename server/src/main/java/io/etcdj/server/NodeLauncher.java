package io.etcdj.server;

import io.etcdj.embed.Config;
import java.io.PrintStream;

/**
 * Where the command hands a parsed and validated {@link Config} to the node. Plugging in the server
 * is one change: make {@link #DEFAULT} start it and return the exit code when it stops.
 *
 * <p>Threading: called once, on the main thread.
 */
@FunctionalInterface
interface NodeLauncher {

  /** Runs the node described by {@code config}; returns the process exit code. */
  int launch(Config config, PrintStream err) throws Exception;

  /** Today's launcher: starting a node is not implemented yet. */
  NodeLauncher DEFAULT =
      (config, err) -> {
        err.println("etcdj: starting a node is not implemented yet (see README.md, Status)");
        return EtcdMain.EXIT_ERROR;
      };
}
