package io.etcdj.bench;

/** One workload's figures against one server in one round; latencies in milliseconds. */
record Measurement(
    String workload,
    String server,
    int round,
    long ops,
    long errors,
    double opsPerSecond,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    long rssBytes,
    long pssBytes,
    double cpuSecondsPer1k) {

  static Measurement of(
      Workload workload, String server, int round, LoadResult r, long rssBytes, long pssBytes) {
    long[] l = r.sortedLatencies();
    return new Measurement(
        workload.id(),
        server,
        round,
        r.ops(),
        r.errors(),
        r.opsPerSecond(),
        Latencies.percentileMillis(l, 0.50),
        Latencies.percentileMillis(l, 0.99),
        Latencies.percentileMillis(l, 0.999),
        rssBytes,
        pssBytes,
        r.cpuSecondsPer1k());
  }
}
