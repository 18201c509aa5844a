package io.etcdj.bench;

/**
 * What one measured window produced: the operations started in it and completed, those that failed,
 * the time from the window's start to the last completion, their latencies in ascending order and
 * the server's CPU seconds over the window.
 */
record LoadResult(
    long ops, long errors, long elapsedNanos, long[] sortedLatencies, double cpuSeconds) {
  double opsPerSecond() {
    return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
  }

  /** Server CPU seconds per thousand operations. */
  double cpuSecondsPer1k() {
    return ops == 0 ? Double.NaN : cpuSeconds * 1000 / ops;
  }
}
