package io.etcdj.etcdserver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.idutil.IdGenerator;
import io.etcdj.etcdserver.wait.WaitTime;
import io.etcdj.raft.Node;
import io.etcdj.raft.ReadState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's {@code linearizableReadLoop} ({@code etcdserver/v3_server.go}): every read waiting when a
 * round starts shares that round's ReadIndex; the round ends when raft answers with the read's
 * context and the apply loop has reached the answered index. Reads arriving meanwhile wait for the
 * next round. A round without an answer within the request timeout fails its reads with {@code
 * etcdserver: request timed out}.
 *
 * <p>Thread-safe: {@link #readNotify} from any thread, {@link #onReadStates} from the raft loop.
 */
final class LinearizableReads {
  private final Node node;
  private final IdGenerator ids;
  private final WaitTime applied;
  private final ScheduledExecutorService scheduler;
  private final Duration timeout;

  private final Object mu = new Object();

  @GuardedBy("mu")
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();

  @GuardedBy("mu")
  private List<CompletableFuture<Void>> inFlight;

  @GuardedBy("mu")
  private ByteString inFlightCtx;

  @GuardedBy("mu")
  private ScheduledFuture<?> inFlightTimer;

  LinearizableReads(
      Node node,
      IdGenerator ids,
      WaitTime applied,
      ScheduledExecutorService scheduler,
      Duration timeout) {
    this.node = node;
    this.ids = ids;
    this.applied = applied;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** Completes once a read started now may be served from the local store. */
  CompletableFuture<Void> readNotify() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (mu) {
      waiting.add(f);
      if (inFlight == null) {
        startRound();
      }
    }
    return f;
  }

  @GuardedBy("mu")
  private void startRound() {
    inFlight = waiting;
    waiting = new ArrayList<>();
    ByteString ctx = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(ids.next()).array());
    inFlightCtx = ctx;
    inFlightTimer =
        scheduler.schedule(() -> timedOut(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
    node.readIndex(ctx)
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                finish(ctx, null, err);
              }
            });
  }

  /** Raft answered some read-index requests (called on the raft loop thread). */
  void onReadStates(List<ReadState> states) {
    for (ReadState rs : states) {
      finish(rs.requestCtx(), rs.index(), null);
    }
  }

  private void timedOut(ByteString ctx) {
    finish(ctx, null, ServerError.TIMEOUT.exception());
  }

  private void finish(ByteString ctx, Long index, Throwable err) {
    List<CompletableFuture<Void>> round;
    synchronized (mu) {
      if (inFlight == null || !ctx.equals(inFlightCtx)) {
        return; // a stale answer to a round that already ended
      }
      round = inFlight;
      inFlight = null;
      inFlightCtx = null;
      inFlightTimer.cancel(false);
      if (!waiting.isEmpty()) {
        startRound();
      }
    }
    if (err != null) {
      round.forEach(f -> f.completeExceptionally(err));
      return;
    }
    applied.await(index).thenRun(() -> round.forEach(f -> f.complete(null)));
  }

  /** Fails every waiting read (the server stops). */
  void stop(Throwable err) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (mu) {
      all.addAll(waiting);
      waiting.clear();
      if (inFlight != null) {
        all.addAll(inFlight);
        inFlight = null;
        inFlightCtx = null;
        inFlightTimer.cancel(false);
      }
    }
    all.forEach(f -> f.completeExceptionally(err));
  }
}
