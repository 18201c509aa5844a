package io.etcdj.etcdserver.v3rpc;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.WatchCancelRequest;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.storage.mvcc.WatchException;
import io.etcdj.storage.mvcc.WatchStream;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The Watch service ({@code v3rpc/watch.go}): one {@link WatchStream} per gRPC stream; create,
 * cancel and progress requests; events with prev-kv and filters (decided by the store); fragments
 * for watchers that asked for them; compaction notices cancel the watcher.
 *
 * <p>Threading: everything a stream does (its requests, and draining the store's responses) runs on
 * one sequential executor over the store executor, so a watcher's "created" response always
 * precedes its events and the observer is called by one thread at a time. Never on an event loop:
 * prev-kv reads the store.
 */
final class WatchServer extends WatchGrpc.WatchImplBase {
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private final EtcdServer server;
  private final Executor executor;
  private final Duration progressInterval;

  WatchServer(EtcdServer server, Executor executor) {
    this.server = server;
    this.executor = executor;
    this.progressInterval =
        WatchProgress.reportInterval(server.config().housekeeping().watchProgressNotifyInterval());
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
    return new ServerWatchStream(out);
  }

  private final class ServerWatchStream implements StreamObserver<WatchRequest> {
    private final StreamObserver<WatchResponse> out;
    private final Executor serial = MoreExecutors.newSequentialExecutor(executor);
    private final WatchStream ws = server.store().newWatchStream();
    private final WatchProgress progress =
        new WatchProgress(
            server.config().scheduler(),
            serial,
            progressInterval,
            server.config().random(),
            id -> ws.requestProgress(id));
    // The stream's token, resolved again at each create (etcd's isWatchPermitted).
    private final String token = AuthContext.token();

    // Touched only by tasks on `serial`.
    private final Set<Long> fragment = new HashSet<>();
    private boolean closed;

    ServerWatchStream(StreamObserver<WatchResponse> out) {
      this.out = out;
      ws.setResponseListener(() -> serial.execute(this::drain));
      if (out instanceof ServerCallStreamObserver<WatchResponse> sco) {
        sco.setOnCancelHandler(() -> serial.execute(this::close));
      }
    }

    @Override
    public void onNext(WatchRequest req) {
      serial.execute(() -> handle(req));
    }

    @Override
    public void onError(Throwable t) {
      serial.execute(this::close);
    }

    @Override
    public void onCompleted() {
      // etcd keeps the stream (and its watchers) until the client cancels it.
    }

    private ResponseHeader header(long rev) {
      return ResponseHeader.newBuilder()
          .setClusterId(server.clusterId())
          .setMemberId(server.memberId())
          .setRevision(rev)
          .setRaftTerm(server.term())
          .build();
    }

    private void handle(WatchRequest req) {
      if (closed) {
        return;
      }
      switch (req.getRequestUnionCase()) {
        case CREATE_REQUEST -> create(req.getCreateRequest());
        case CANCEL_REQUEST -> cancel(req.getCancelRequest());
        case PROGRESS_REQUEST -> {
          // Sent through the store's queue (after every event already queued), or not at all
          // while a watcher is catching up: etcd 3.4.31's fix of progress notifications.
          ws.requestProgressAll();
        }
        default -> {
          // etcd ignores an empty request.
        }
      }
    }

    private void create(WatchCreateRequest creq) {
      WatchCreateRequest c = creq;
      if (c.getKey().isEmpty()) {
        c = c.toBuilder().setKey(ZERO).build(); // "\0" is the smallest key
      }
      String denied = WatchAuth.deniedReason(server.store().auth(), token, c);
      if (denied != null) {
        send(
            WatchResponse.newBuilder()
                .setHeader(header(ws.rev()))
                .setWatchId(-1)
                .setCreated(true)
                .setCanceled(true)
                .setCancelReason(denied)
                .build());
        return;
      }
      if (c.getStartRevision() < 0) {
        // etcd 3.4.45: a negative start revision is refused as compacted, without a watcher.
        send(
            WatchResponse.newBuilder()
                .setHeader(header(ws.rev()))
                .setWatchId(-1)
                .setCreated(true)
                .setCanceled(true)
                .setCancelReason(RpcError.COMPACTED.description())
                .build());
        return;
      }
      // etcd 3.4.45 hands a start revision of 0 to the store as is, which then starts from now;
      // the watcher keeps 0 as its start, so a progress request is answered at once.
      long id;
      String cancelReason = null;
      try {
        id = ws.watch(c);
        if (c.getFragment()) {
          fragment.add(id);
        }
        if (c.getProgressNotify()) {
          progress.watching(id);
        }
      } catch (WatchException e) {
        id = -1;
        cancelReason = e.getMessage();
      }
      WatchResponse.Builder wr =
          WatchResponse.newBuilder()
              .setHeader(header(ws.rev()))
              .setWatchId(id)
              .setCreated(true)
              .setCanceled(cancelReason != null);
      if (cancelReason != null) {
        wr.setCancelReason(cancelReason);
      }
      send(wr.build());
    }

    private void cancel(WatchCancelRequest c) {
      long id = c.getWatchId();
      try {
        ws.cancel(id);
      } catch (WatchException e) {
        return; // etcd sends nothing for an unknown id
      }
      fragment.remove(id);
      progress.canceled(id);
      send(
          WatchResponse.newBuilder()
              .setHeader(header(ws.rev()))
              .setWatchId(id)
              .setCanceled(true)
              .build());
    }

    private void drain() {
      io.etcdj.storage.mvcc.WatchResponse r;
      while (!closed && (r = ws.poll()) != null) {
        WatchResponse wr =
            WatchResponse.newBuilder()
                .setHeader(header(r.revision()))
                .setWatchId(r.watchId())
                .addAllEvents(r.events())
                .setCompactRevision(r.compactRevision())
                .setCanceled(r.compactRevision() != 0)
                .build();
        if (r.compactRevision() != 0) {
          fragment.remove(r.watchId());
        }
        if (!r.events().isEmpty()) {
          progress.sentEvents(r.watchId());
        }
        if (fragment.contains(r.watchId())) {
          sendFragments(wr);
        } else {
          send(wr);
        }
      }
    }

    /** {@code sendFragments}: splits a response above the request size limit into fragments. */
    private void sendFragments(WatchResponse wr) {
      long limit = server.config().maxRequestBytes();
      if (wr.getSerializedSize() < limit || wr.getEventsCount() < 2) {
        send(wr);
        return;
      }
      List<Event> events = wr.getEventsList();
      int i = 0;
      while (i < events.size()) {
        List<Event> part = new ArrayList<>();
        long size = wr.toBuilder().clearEvents().build().getSerializedSize();
        while (i < events.size()) {
          Event e = events.get(i);
          long add = e.getSerializedSize() + 8;
          if (!part.isEmpty() && size + add > limit) {
            break;
          }
          part.add(e);
          size += add;
          i++;
        }
        send(
            wr.toBuilder().clearEvents().addAllEvents(part).setFragment(i < events.size()).build());
      }
    }

    private void send(WatchResponse wr) {
      if (closed) {
        return;
      }
      try {
        out.onNext(wr);
      } catch (RuntimeException e) {
        close();
      }
    }

    private void close() {
      if (!closed) {
        closed = true;
        progress.stop();
        ws.close();
      }
    }
  }
}
