package io.etcdj.etcdhttp;

import java.util.concurrent.CompletableFuture;

/**
 * The probes the health endpoints run through the node. Called from any thread; they must return at
 * once and complete later.
 */
public interface HealthProbes {
  /**
   * etcd 3.4.23's {@code /health} quorum check: a request through raft (Go proposes a v2 {@code
   * QGET}). True when it was applied; false or a failed future when not. The handler gives up after
   * one second.
   */
  CompletableFuture<Boolean> quorumProbe();

  /**
   * The {@code /livez} and {@code /readyz} read check of 3.4.29+: a keys-only range of limit 1 as
   * root, serializable or linearizable. A failed future's message is reported as the reason.
   */
  CompletableFuture<Void> read(boolean serializable);
}
