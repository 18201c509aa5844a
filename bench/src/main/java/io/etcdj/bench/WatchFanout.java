package io.etcdj.bench;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code streams} watch streams (one per connection) of {@code watchersPerStream} watchers each on
 * one key, as etcd's {@code benchmark watch} defaults (10 streams, 100 per stream, one watched key
 * of 32 bytes); then one put at a time, each timed from issuing the Put to the moment the last
 * watcher's event arrives. One operation is one put fanned out to every watcher.
 */
final class WatchFanout implements Workload {
  private static final ByteString KEY;

  static {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 'w');
    KEY = ByteString.copyFrom(key);
  }

  private final int streams;
  private final int watchersPerStream;

  WatchFanout(int streams, int watchersPerStream) {
    this.streams = streams;
    this.watchersPerStream = watchersPerStream;
  }

  @Override
  public String id() {
    return "watch";
  }

  @Override
  public String title() {
    return "watch, "
        + streams * watchersPerStream
        + " watchers on "
        + streams
        + " streams, one put until all notified";
  }

  @Override
  public LoadResult run(ServerProcess server, Window window, Context context)
      throws IOException, InterruptedException {
    int watchers = streams * watchersPerStream;
    Events events = new Events();
    try (Connections connections =
        new Connections(context.group(), server.clientAddress(), streams)) {
      List<StreamObserver<WatchRequest>> requests = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        StreamObserver<WatchRequest> r = WatchGrpc.newStub(connections.forClient(s)).watch(events);
        requests.add(r);
        for (int w = 0; w < watchersPerStream; w++) {
          r.onNext(
              WatchRequest.newBuilder()
                  .setCreateRequest(WatchCreateRequest.newBuilder().setKey(KEY))
                  .build());
        }
      }
      events.awaitCreated(watchers);
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(connections.forClient(0));
      PutRequest put =
          PutRequest.newBuilder()
              .setKey(KEY)
              .setValue(ByteString.copyFrom("fanout", StandardCharsets.US_ASCII))
              .build();

      long measureStart = System.nanoTime() + window.warmup().toNanos();
      long measureEnd = measureStart + window.measure().toNanos();
      Latencies latencies = new Latencies();
      long expected = 0;
      double cpu0 = Double.NaN;
      long lastEnd = measureStart;
      long now;
      // At least one measured put, even when a cold server's first ones outlast the window.
      while ((now = System.nanoTime()) < measureEnd || latencies.size() == 0) {
        if (now >= measureStart && Double.isNaN(cpu0)) {
          cpu0 = server.stats().cpuSeconds();
          now = System.nanoTime();
        }
        expected += watchers;
        CountDownLatch all = events.expect(expected);
        long started = System.nanoTime();
        kv.withDeadlineAfter(30, TimeUnit.SECONDS).put(put);
        if (!all.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "only " + (events.count() - (expected - watchers)) + " of " + watchers + " notified");
        }
        if (now >= measureStart) {
          lastEnd = events.reachedAt();
          latencies.add(lastEnd - started);
        }
      }
      if (Double.isNaN(cpu0)) {
        cpu0 = server.stats().cpuSeconds();
      }
      double cpu1 = server.stats().cpuSeconds();
      for (StreamObserver<WatchRequest> r : requests) {
        r.onCompleted();
      }
      return new LoadResult(
          latencies.size(), 0, lastEnd - measureStart, latencies.sorted(), cpu1 - cpu0);
    }
  }

  /** Counts created watchers and delivered events over all streams; called on the event loops. */
  private static final class Events implements StreamObserver<WatchResponse> {
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private volatile long expected = Long.MAX_VALUE;
    private volatile CountDownLatch reached = new CountDownLatch(1);
    private volatile long reachedAt;
    private volatile Throwable failure;

    CountDownLatch expect(long total) {
      CountDownLatch latch = new CountDownLatch(1);
      reached = latch;
      expected = total;
      return latch;
    }

    long count() {
      return events.get();
    }

    long reachedAt() {
      return reachedAt;
    }

    void awaitCreated(int watchers) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (created.get() < watchers) {
        if (failure != null) {
          throw new IllegalStateException("watch stream failed", failure);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + created.get() + " of " + watchers + " watchers created after 60 s");
        }
        Thread.sleep(1);
      }
    }

    @Override
    public void onNext(WatchResponse response) {
      if (response.getCreated()) {
        created.incrementAndGet();
      }
      int n = response.getEventsCount();
      if (n > 0 && events.addAndGet(n) >= expected) {
        reached();
      }
    }

    // Two event loops may both see the count reach the target; the first one stamps the time.
    private synchronized void reached() {
      CountDownLatch latch = reached;
      if (latch.getCount() > 0) {
        reachedAt = System.nanoTime();
        latch.countDown();
      }
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
    }

    @Override
    public void onCompleted() {}
  }
}
