package io.etcdj.bench;

/**
 * Start-to-ready of one server start on an empty data directory: wall time from spawning the
 * process to its client port accepting connections and to its first answered linearizable Range,
 * and the process's RSS, PSS and CPU time then.
 */
record ReadyMeasurement(
    String server,
    int round,
    double listeningMillis,
    double readyMillis,
    long rssBytes,
    long pssBytes,
    double cpuSeconds) {}
