package io.etcdj.embed;

import com.google.protobuf.ByteString;
import io.etcdj.etcdhttp.HashKvSource;
import io.etcdj.etcdhttp.LeaseView;
import io.etcdj.etcdhttp.MemberPromoter;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.storage.lease.Lease;
import io.etcdj.storage.lease.LeaseException;
import io.etcdj.storage.mvcc.KvHash;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the peer port's handlers ask of the member: lease renewals and lookups forwarded by
 * followers, the corruption check's HashKV, and learner promotion (a single member has no learner,
 * so it answers as etcd does for an unknown or non-learner ID).
 */
final class PeerViews implements LeaseView, HashKvSource, MemberPromoter {
  private static final long APPLY_POLL_MS = 10;

  private final EtcdServer server;
  private final Executor storeExecutor;
  private final ScheduledExecutorService scheduler;

  PeerViews(EtcdServer server, Executor storeExecutor, ScheduledExecutorService scheduler) {
    this.server = server;
    this.storeExecutor = storeExecutor;
    this.scheduler = scheduler;
  }

  /**
   * Completes once the applied index has caught up with the committed one (the handler bounds it).
   */
  @Override
  public CompletableFuture<Void> applyWait() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pollApplied(f, server.committedIndex());
    return f;
  }

  private void pollApplied(CompletableFuture<Void> f, long target) {
    if (f.isDone()) {
      return;
    }
    if (server.appliedIndex() >= target) {
      f.complete(null);
      return;
    }
    scheduler.schedule(() -> pollApplied(f, target), APPLY_POLL_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<Long> renew(long leaseId) {
    return server
        .store()
        .lessor()
        .renewAsync(leaseId)
        .exceptionallyCompose(
            t -> {
              Throwable c =
                  t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
              if (c instanceof LeaseException le
                  && le.reason() == LeaseException.Reason.LEASE_NOT_FOUND) {
                return CompletableFuture.failedFuture(new LeaseNotFoundException());
              }
              return CompletableFuture.failedFuture(c);
            });
  }

  @Override
  public CompletableFuture<LeaseState> lookup(long leaseId) {
    Lease l = server.store().lessor().lookup(leaseId);
    if (l == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<ByteString> keys = l.keys().stream().map(ByteString::copyFromUtf8).toList();
    return CompletableFuture.completedFuture(
        new LeaseState(l.remaining().getSeconds(), l.ttl(), keys));
  }

  @Override
  public CompletableFuture<HashKv> hashByRevision(long revision) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            KvHash h = server.store().hashKv(revision);
            return new HashKv((int) h.hash(), h.currentRev(), h.compactRev());
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        storeExecutor);
  }

  @Override
  public CompletableFuture<List<Member>> promote(long memberId) {
    // EtcdServer.promoteMember completes on the apply thread; answer from the store executor.
    return server.promoteMember(memberId).thenApplyAsync(members -> members, storeExecutor);
  }
}
