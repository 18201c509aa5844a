package io.etcdj.etcdserver.concurrency;

import io.grpc.Context;
import java.util.concurrent.CompletableFuture;

/**
 * {@code concurrency.Session} as the v3lock and v3election servers use it: a lease the recipes'
 * keys are attached to. Lease 0 asks for a fresh lease of etcd's default session TTL (60 s); any
 * other ID is taken as given, unchecked (an unknown one fails at the first put).
 *
 * <p>etcd's {@code NewSession} also starts a keep-alive, but both servers call {@code Orphan} on
 * the session straight away, which stops it before it matters; so no keep-alive is run here and a
 * lease granted for a request lapses after its TTL, as in etcd.
 */
public record Session(long lease) {
  /** {@code defaultSessionTTL}, seconds. */
  static final int DEFAULT_TTL = 60;

  /** {@code NewSession(client, WithLease(lease), WithContext(ctx))}, then {@code Orphan()}. */
  public static CompletableFuture<Session> open(V3Client client, Context ctx, long lease) {
    if (lease != 0) {
      return CompletableFuture.completedFuture(new Session(lease));
    }
    return client.grant(ctx, DEFAULT_TTL).thenApply(r -> new Session(r.getID()));
  }
}
