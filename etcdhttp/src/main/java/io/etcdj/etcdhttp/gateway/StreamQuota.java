package io.etcdj.etcdhttp.gateway;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The HTTP/2 stream quota of the gateway's one connection to the gRPC server. etcd 3.4's gateway
 * dials its own client listener ({@code embed/serve.go}), so the server's {@code
 * --max-concurrent-streams} limits the gateway's calls too, and grpc-go's client transport makes a
 * call over the limit wait until a stream ends (e2e {@code TestV3Curl_MaxStreams_ReachLimit_*}: a
 * range behind as many open watches as the limit waits until curl gives up). Our gateway calls the
 * services in-process, so this interceptor keeps that quota: at most {@code limit} calls run, and
 * later ones start, in order, when a running one closes. A waiting call that is cancelled leaves
 * the queue and closes {@code CANCELLED} without having run.
 *
 * <p>Thread-safe: calls may be created, used and closed on any thread. Operations on one call are
 * serialised under that call's lock, as grpc requires; the queue's lock may be taken inside a
 * call's lock, never the other way round, and no listener is called under either.
 */
final class StreamQuota implements ClientInterceptor {
  private final long limit;
  private final ArrayDeque<QueuedCall<?, ?>> waiting = new ArrayDeque<>(); // guarded by this
  private long running; // guarded by this

  /** {@code limit} 0 is no limit, as grpc-go reads {@code MaxConcurrentStreams(0)}. */
  StreamQuota(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("stream limit must not be negative: " + limit);
    }
    this.limit = limit == 0 ? Long.MAX_VALUE : limit;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new QueuedCall<>(next.newCall(method, options));
  }

  /** Calls running now (for tests). */
  synchronized long running() {
    return running;
  }

  /** Calls waiting for a stream (for tests). */
  synchronized int waiting() {
    return waiting.size();
  }

  /** True if {@code c} may run now; otherwise it is queued. */
  private synchronized boolean admitOrQueue(QueuedCall<?, ?> c) {
    if (running < limit) {
      running++;
      return true;
    }
    waiting.add(c);
    return false;
  }

  private synchronized boolean leaveQueue(QueuedCall<?, ?> c) {
    return waiting.remove(c);
  }

  /** A running call closed: its stream goes to the first waiting call, if any. */
  private void release() {
    QueuedCall<?, ?> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  private final class QueuedCall<Q, R> extends ClientCall<Q, R> {
    private final ClientCall<Q, R> call;
    // guarded by this
    private final List<Consumer<ClientCall<Q, R>>> pending = new ArrayList<>();
    private ClientCall.Listener<R> listener;
    private Metadata headers;
    private boolean started;
    private boolean cancelled;
    private Status cancelStatus;

    QueuedCall(ClientCall<Q, R> call) {
      this.call = call;
    }

    @Override
    public void start(ClientCall.Listener<R> responseListener, Metadata headers) {
      synchronized (this) {
        this.listener = responseListener;
        this.headers = headers;
      }
      if (admitOrQueue(this)) {
        run();
      }
    }

    /**
     * This call has a stream: starts the real call and replays what was asked of it while it
     * waited. If it was cancelled meanwhile it gives the stream back and closes instead.
     */
    void run() {
      Status closed;
      synchronized (this) {
        if (!cancelled) {
          started = true;
          call.start(new Releasing<>(listener), headers);
          pending.forEach(op -> op.accept(call));
          pending.clear();
          return;
        }
        closed = cancelStatus;
      }
      release();
      listener.onClose(closed, new Metadata());
    }

    private synchronized void op(Consumer<ClientCall<Q, R>> op) {
      if (started) {
        op.accept(call);
      } else if (!cancelled) {
        pending.add(op);
      }
    }

    @Override
    public void request(int numMessages) {
      op(c -> c.request(numMessages));
    }

    @Override
    public void sendMessage(Q message) {
      op(c -> c.sendMessage(message));
    }

    @Override
    public void halfClose() {
      op(ClientCall::halfClose);
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      op(c -> c.setMessageCompression(enabled));
    }

    @Override
    public void cancel(String message, Throwable cause) {
      Status closed;
      synchronized (this) {
        if (started) {
          call.cancel(message, cause);
          return;
        }
        if (cancelled) {
          return;
        }
        cancelled = true;
        pending.clear();
        Status status = Status.CANCELLED;
        if (message != null) {
          status = status.withDescription(message);
        }
        cancelStatus = cause == null ? status : status.withCause(cause);
        // still queued: it leaves the queue and closes now; not yet queued or just admitted:
        // run() closes it
        if (listener == null || !leaveQueue(this)) {
          return;
        }
        closed = cancelStatus;
      }
      listener.onClose(closed, new Metadata());
    }
  }

  /** Gives the call's stream back when it closes. */
  private final class Releasing<R> extends SimpleForwardingClientCallListener<R> {
    Releasing(ClientCall.Listener<R> delegate) {
      super(delegate);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      release();
      super.onClose(status, trailers);
    }
  }
}
