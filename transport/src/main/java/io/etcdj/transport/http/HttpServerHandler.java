package io.etcdj.transport.http;

import static com.google.common.base.Preconditions.checkState;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link HttpRouter} routes on one HTTP/1.1 connection, or on one HTTP/2 stream behind
 * Netty's {@code Http2StreamFrameToHttpObjectCodec} (the same code for both, as Go serves HTTP/2
 * requests through the same {@code http.Handler}).
 *
 * <p>One request at a time: once a request is whole, reading stops until its answer is written
 * (pipelined requests wait in order), so a handler's async answer cannot be overtaken. Bodies are
 * aggregated up to the route's limit (413 beyond, and the connection closed as Go's {@code
 * MaxBytesReader} leaves it).
 *
 * <p>Not sharable; runs on the channel's event loop. {@link HttpExchange} and {@link
 * ResponseStream} calls from other threads hop onto it.
 */
public final class HttpServerHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);

  /** Unsent bytes a streamed response may queue before it is aborted. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 4L << 20;

  /** Fired down the pipeline by a draining server: close when idle, after the answer otherwise. */
  public enum Drain {
    INSTANCE
  }

  private enum State {
    IDLE,
    READING,
    RESPONDING,
    /** Answered and half-closed; the client's unread bytes are discarded until it closes. */
    LINGERING
  }

  /** How long a half-closed connection waits for the client to close (Go's closeWriteAndWait). */
  static final long LINGER_MILLIS = 500;

  /**
   * etcd's {@code http.Server{ReadTimeout: 5 * time.Minute}} on client and peer ports: a request
   * must be read whole within it, and a kept-alive connection may idle no longer (Go uses the read
   * timeout as the idle timeout when none is set).
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  private final HttpRouter router;
  private final boolean http2;
  private final Clock clock;
  private final long readTimeoutNanos;
  private ScheduledFuture<?> readDeadline;

  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private boolean keepAlive;
  private boolean draining;
  private HttpRequest request;
  private HttpRouter.Found found;
  private CompositeByteBuf body;
  private HttpExchange exchange;
  private StreamImpl stream;

  /** {@code http2}: this handler serves one HTTP/2 stream ({@code r.Proto} "HTTP/2.0"). */
  public HttpServerHandler(HttpRouter router, boolean http2) {
    this(router, http2, Clock.systemUTC());
  }

  public HttpServerHandler(HttpRouter router, boolean http2, Clock clock) {
    this(router, http2, clock, DEFAULT_READ_TIMEOUT);
  }

  /**
   * {@code readTimeout}: HTTP/1 only (an HTTP/2 stream's connection has its own); zero disables.
   */
  public HttpServerHandler(HttpRouter router, boolean http2, Clock clock, Duration readTimeout) {
    this.router = router;
    this.http2 = http2;
    this.clock = clock;
    this.readTimeoutNanos = http2 ? 0 : readTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    armReadDeadline();
  }

  /**
   * A new window for reading one request (or for idling before the next one), as Go re-sets the
   * connection's read deadline before each request. Left running while the handler answers, as Go
   * does; it only closes a connection that is idle or still reading when it fires.
   */
  private void armReadDeadline() {
    if (readTimeoutNanos <= 0) {
      return;
    }
    cancelReadDeadline();
    readDeadline =
        ctx.executor().schedule(this::readDeadlinePassed, readTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void cancelReadDeadline() {
    if (readDeadline != null) {
      readDeadline.cancel(false);
      readDeadline = null;
    }
  }

  private void readDeadlinePassed() {
    readDeadline = null;
    if (state == State.IDLE || state == State.READING) {
      log.debug("http: closing {}: request not read within the read timeout", ctx.channel());
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.LINGERING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == State.RESPONDING) {
      pending.add(msg); // a pipelined request (or the tail of this one): after the answer
      return;
    }
    try {
      read(msg);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void read(Object msg) {
    if (msg instanceof HttpRequest req) {
      onRequest(req);
    }
    if (msg instanceof HttpContent c && state == State.READING) {
      onContent(c);
    }
  }

  private void onRequest(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      // Go's server answers malformed requests itself, plain text, no length, then closes.
      rawClose(
          cause instanceof TooLongFrameException
              ? new HttpResponseStatus(431, "Request Header Fields Too Large")
              : HttpResponseStatus.BAD_REQUEST);
      return;
    }
    if (!http2 && req.protocolVersion().majorVersion() != 1) {
      rawClose(
          new HttpResponseStatus(505, "HTTP Version Not Supported: unsupported protocol version"));
      return;
    }
    armReadDeadline();
    request = req;
    keepAlive = HttpUtil.isKeepAlive(req);
    boolean hasBody =
        HttpUtil.getContentLength(req, 0L) > 0 || HttpUtil.isTransferEncodingChunked(req);
    String method = req.method().name();
    HttpRouter.Match m = router.match(method, rawPath(req.uri()));
    if (m instanceof HttpRouter.Found f) {
      if (!f.route().allows(method)) {
        HttpHeaders h = HttpExchange.errorHeaders();
        h.set(HttpHeaderNames.ALLOW, f.route().allowHeader());
        answerNow(hasBody, 405, h, GoText.METHOD_NOT_ALLOWED + "\n");
        return;
      }
      if (HttpUtil.getContentLength(req, 0L) > f.route().maxRequestBytes()) {
        keepAlive = false;
        answerNow(true, 413, HttpExchange.errorHeaders(), GoText.TOO_LARGE + "\n");
        return;
      }
      found = f;
      body = ctx.alloc().compositeBuffer();
      state = State.READING;
    } else if (m instanceof HttpRouter.Redirect r) {
      String q = rawQuery(req.uri());
      String location = q.isEmpty() ? r.location() : r.location() + "?" + q;
      HttpHeaders h = new DefaultHttpHeaders();
      h.set(HttpHeaderNames.LOCATION, location);
      byte[] b = new byte[0];
      if (method.equals("GET") || method.equals("HEAD")) {
        h.set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        b = GoText.redirectBody(location);
      }
      answerNow(hasBody, 301, h, b);
    } else {
      answerNow(hasBody, 404, HttpExchange.errorHeaders(), GoText.NOT_FOUND + "\n");
    }
  }

  private void answerNow(boolean hasBody, int status, HttpHeaders h, String text) {
    answerNow(hasBody, status, h, text.getBytes(StandardCharsets.UTF_8));
  }

  /** An answer the router gives itself; an unread body means the connection cannot be reused. */
  private void answerNow(boolean hasBody, int status, HttpHeaders h, byte[] b) {
    if (hasBody) {
      keepAlive = false;
    }
    HttpExchange ex = newExchange(new byte[0]);
    ex.answered.set(true);
    writeFull(ex, status, h, b);
  }

  private void onContent(HttpContent c) {
    long limit = found.route().maxRequestBytes();
    if (body.readableBytes() + (long) c.content().readableBytes() > limit) {
      body.release();
      body = null;
      keepAlive = false;
      HttpExchange ex = newExchange(new byte[0]);
      ex.answered.set(true);
      writeFull(
          ex,
          413,
          HttpExchange.errorHeaders(),
          (GoText.TOO_LARGE + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (c.content().isReadable()) {
      body.addComponent(true, c.content().retain());
    }
    if (c instanceof LastHttpContent) {
      byte[] bytes = ByteBufUtil.getBytes(body);
      body.release();
      body = null;
      dispatch(newExchange(bytes));
    }
  }

  private HttpExchange newExchange(byte[] bytes) {
    state = State.RESPONDING;
    ctx.channel().config().setAutoRead(false);
    exchange =
        new HttpExchange(
            this,
            request.method().name(),
            request.uri(),
            request.headers(),
            bytes,
            http2 ? "HTTP/2.0" : request.protocolVersion().text(),
            remoteAddress());
    return exchange;
  }

  private java.net.SocketAddress remoteAddress() {
    io.netty.channel.Channel c = ctx.channel();
    return c.parent() != null && http2 ? c.parent().remoteAddress() : c.remoteAddress();
  }

  private void dispatch(HttpExchange ex) {
    HttpHandler h = found.route().handler();
    found = null;
    try {
      h.handle(ex);
    } catch (Throwable t) {
      log.warn("http: panic serving {}: {} {}", ex.remoteAddress(), ex.method(), ex.uri(), t);
      if (ex.answered.compareAndSet(false, true)) {
        keepAlive = false;
        writeFull(
            ex,
            500,
            HttpExchange.errorHeaders(),
            (GoText.INTERNAL + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  // ---- answers (any thread) ----

  void respond(HttpExchange ex, int status, HttpHeaders h, byte[] b) {
    checkState(ex.answered.compareAndSet(false, true), "http: multiple response.WriteHeader calls");
    byte[] copy = b.clone();
    onLoop(() -> writeFull(ex, status, h, copy));
  }

  ResponseStream stream(HttpExchange ex, int status, HttpHeaders h, long maxPending) {
    checkState(ex.answered.compareAndSet(false, true), "http: multiple response.WriteHeader calls");
    StreamImpl s = new StreamImpl(ex, maxPending);
    onLoop(() -> s.start(status, h));
    return s;
  }

  private void onLoop(Runnable r) {
    if (ctx.executor().inEventLoop()) {
      r.run();
    } else {
      ctx.executor().execute(r);
    }
  }

  private void writeFull(HttpExchange ex, int status, HttpHeaders h, byte[] b) {
    if (ex != exchange) {
      return; // the connection closed meanwhile
    }
    boolean head = ex.method().equals("HEAD");
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(b));
    r.headers().set(h);
    if (!r.headers().contains(HttpHeaderNames.DATE)) {
      r.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date(clock.millis())));
    }
    HttpUtil.setContentLength(r, b.length);
    closeIfLast(r.headers());
    canonicalize(r.headers());
    ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> finish(ex, f.isSuccess()));
  }

  private void closeIfLast(HttpHeaders h) {
    if (!keepAlive || draining) {
      keepAlive = false;
      if (!http2) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
  }

  /** Go's own error answer to an unreadable request: text/plain, no length, then close. */
  private void rawClose(HttpResponseStatus status) {
    state = State.RESPONDING;
    ctx.channel().config().setAutoRead(false);
    String text = status.code() + " " + status.reasonPhrase();
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, GoText.TEXT_PLAIN);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    canonicalize(r.headers());
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /** HTTP/1.1 header names as Go writes them; HTTP/2 lowercases them in the codec anyway. */
  private void canonicalize(HttpHeaders h) {
    if (!http2) {
      HttpHeaders c = GoText.canonical(h);
      h.clear().add(c);
    }
  }

  private void finish(HttpExchange ex, boolean ok) {
    if (ex != exchange) {
      return;
    }
    exchange = null;
    stream = null;
    request = null;
    state = State.IDLE;
    ex.done.complete(null);
    if (!ok || !keepAlive || draining) {
      if (ok && canLinger()) {
        linger();
      } else {
        ctx.close();
      }
      return;
    }
    armReadDeadline();
    ctx.channel().config().setAutoRead(true);
    while (state != State.RESPONDING && !pending.isEmpty()) {
      Object msg = pending.poll();
      try {
        read(msg);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /**
   * Plain HTTP/1 over a socket: a close with the client's body still arriving would reset the
   * connection and lose the answer (a 413 most of all), so, as Go's server, shut down our side
   * first and let the client's bytes drain for a moment before closing.
   */
  private boolean canLinger() {
    return !http2
        && ctx.channel() instanceof DuplexChannel
        && ctx.pipeline().get(SslHandler.class) == null;
  }

  private void linger() {
    state = State.LINGERING;
    cleanup();
    DuplexChannel ch = (DuplexChannel) ctx.channel();
    ch.shutdownOutput()
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    ctx.close();
                  }
                });
    ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    ch.config().setAutoRead(true);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Drain.INSTANCE) {
      draining = true;
      if (state == State.IDLE) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null && ctx.channel().isWritable()) {
      stream.wakeWaiters();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    HttpExchange ex = exchange;
    exchange = null;
    if (stream != null) {
      stream.closed();
      stream = null;
    }
    if (ex != null) {
      ex.done.complete(null);
    }
    cleanup();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cleanup();
  }

  private void cleanup() {
    cancelReadDeadline();
    if (body != null) {
      body.release();
      body = null;
    }
    while (!pending.isEmpty()) {
      ReferenceCountUtil.release(pending.poll());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("http: closing {} after error", ctx.channel(), cause);
    ctx.close();
  }

  private static String rawPath(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    int hash = p.indexOf('#');
    p = hash < 0 ? p : p.substring(0, hash);
    if (p.startsWith("http://") || p.startsWith("https://")) {
      int slash = p.indexOf('/', p.indexOf("//") + 2);
      p = slash < 0 ? "/" : p.substring(slash);
    }
    return p;
  }

  private static String rawQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? "" : uri.substring(q + 1);
  }

  /** A chunked answer; all state below is touched on the event loop only, except the atomics. */
  private final class StreamImpl implements ResponseStream {
    private final HttpExchange ex;
    private final long maxPending;
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    StreamImpl(HttpExchange ex, long maxPending) {
      this.ex = ex;
      this.maxPending = maxPending;
    }

    void start(int status, HttpHeaders h) {
      if (ex != exchange) {
        closed();
        return;
      }
      stream = this;
      DefaultHttpResponse r =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
      r.headers().set(h);
      if (!r.headers().contains(HttpHeaderNames.DATE)) {
        r.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date(clock.millis())));
      }
      HttpUtil.setTransferEncodingChunked(r, true);
      closeIfLast(r.headers());
      canonicalize(r.headers());
      ctx.writeAndFlush(r);
    }

    @Override
    public CompletableFuture<Void> write(byte[] chunk) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      if (!open.get()) {
        f.completeExceptionally(new IllegalStateException("http: response stream closed"));
        return f;
      }
      if (unsent.addAndGet(chunk.length) > maxPending) {
        f.completeExceptionally(
            new IllegalStateException(
                "http: response stream aborted: more than " + maxPending + " bytes unsent"));
        abort();
        return f;
      }
      byte[] copy = chunk.clone();
      onLoop(
          () -> {
            if (!open.get() || ex != exchange) {
              f.completeExceptionally(new IllegalStateException("http: response stream closed"));
              return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(copy)))
                .addListener(
                    (ChannelFutureListener)
                        w -> {
                          unsent.addAndGet(-copy.length);
                          if (w.isSuccess()) {
                            f.complete(null);
                          } else {
                            f.completeExceptionally(w.cause());
                          }
                        });
          });
      return f;
    }

    @Override
    public boolean isWritable() {
      return open.get() && ctx.channel().isWritable();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
      CompletableFuture<Void> f = new CompletableFuture<>();
      onLoop(
          () -> {
            if (!open.get() || ctx.channel().isWritable()) {
              f.complete(null);
            } else {
              waiters.add(f);
            }
          });
      return f;
    }

    void wakeWaiters() {
      List<CompletableFuture<Void>> w = new ArrayList<>(waiters);
      waiters.clear();
      w.forEach(f -> f.complete(null));
    }

    void closed() {
      open.set(false);
      wakeWaiters();
    }

    @Override
    public void end() {
      onLoop(
          () -> {
            if (!open.compareAndSet(true, false) || ex != exchange) {
              return;
            }
            wakeWaiters();
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                .addListener((ChannelFutureListener) f -> finish(ex, f.isSuccess()));
          });
    }

    @Override
    public void abort() {
      open.set(false);
      onLoop(
          () -> {
            wakeWaiters();
            if (ex == exchange) {
              ctx.close();
            }
          });
    }

    @Override
    public boolean isOpen() {
      return open.get();
    }
  }
}
