package io.etcdj.bench;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Clients that each keep one request in flight, as etcd's benchmark goroutines do: a client issues
 * its next request when the previous one completes, until the window ends. Requests started in the
 * measured part of the window are counted, and each client makes at least one. Completions run on
 * the gRPC event loops; after a failure the next request is issued from {@code retry} 1 ms later,
 * so a refusing server neither recurses on the stack nor spins a loop.
 */
final class ClosedLoop {
  /** Issues one request; {@code seq} counts the client's requests from 0. */
  interface Call {
    ListenableFuture<?> issue(long seq);
  }

  private ClosedLoop() {}

  static LoadResult run(
      List<Call> clients, Window window, ProcStats server, ScheduledExecutorService retry)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long measureStart = start + window.warmup().toNanos();
    long measureEnd = measureStart + window.measure().toNanos();
    CountDownLatch done = new CountDownLatch(clients.size());
    Client[] loops = new Client[clients.size()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new Client(clients.get(i), measureStart, measureEnd, done, retry);
    }
    for (Client c : loops) {
      c.next();
    }
    sleepUntil(measureStart);
    double cpu0 = server.cpuSeconds();
    sleepUntil(measureEnd);
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests still unanswered 60 s after the window closed");
    }
    double cpu1 = server.cpuSeconds();
    Latencies all = new Latencies();
    long errors = 0;
    long lastEnd = measureStart;
    for (Client c : loops) {
      all.addAll(c.latencies);
      errors += c.errors;
      lastEnd = Math.max(lastEnd, c.lastEnd);
    }
    return new LoadResult(all.size(), errors, lastEnd - measureStart, all.sorted(), cpu1 - cpu0);
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** One client's loop; its fields are touched by one completion at a time. */
  private static final class Client implements FutureCallback<Object> {
    private final Call call;
    private final long measureStart;
    private final long measureEnd;
    private final CountDownLatch done;
    private final ScheduledExecutorService retry;
    private final Latencies latencies = new Latencies();
    private long seq;
    private long started = Long.MIN_VALUE;
    private long errors;
    private long lastEnd;

    Client(
        Call call,
        long measureStart,
        long measureEnd,
        CountDownLatch done,
        ScheduledExecutorService retry) {
      this.call = call;
      this.measureStart = measureStart;
      this.measureEnd = measureEnd;
      this.done = done;
      this.retry = retry;
    }

    void next() {
      long now = System.nanoTime();
      // A request that straddled the whole window (a cold server) is not a measurement: each
      // client finishes only after one request started inside the window.
      if (now >= measureEnd && started >= measureStart) {
        done.countDown();
        return;
      }
      started = now;
      ListenableFuture<?> f;
      try {
        f = call.issue(seq++);
      } catch (RuntimeException e) {
        f = Futures.immediateFailedFuture(e);
      }
      Futures.addCallback(f, this, directExecutor());
    }

    @Override
    public void onSuccess(Object result) {
      long end = System.nanoTime();
      if (started >= measureStart) {
        latencies.add(end - started);
        lastEnd = end;
      }
      next();
    }

    @Override
    public void onFailure(Throwable t) {
      if (started >= measureStart) {
        errors++;
        if (errors == 1) {
          System.err.println("bench: request failed: " + t);
        }
      }
      var unused = retry.schedule(this::next, 1, TimeUnit.MILLISECONDS);
    }
  }
}
