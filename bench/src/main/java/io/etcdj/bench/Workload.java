package io.etcdj.bench;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

/** One of the benchmark's workloads, run against one started server at a time. */
interface Workload {
  /** A short id for {@code --workloads}, e.g. {@code put-1}. */
  String id();

  /** The row label in the table. */
  String title();

  /** Connects, prepares, runs the window and disconnects. */
  LoadResult run(ServerProcess server, Window window, Context context)
      throws IOException, InterruptedException;

  /** The client side shared by all workloads of one run. */
  record Context(EventLoopGroup group, ScheduledExecutorService retry) {}
}
