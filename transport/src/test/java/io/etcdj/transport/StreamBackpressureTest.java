package io.etcdj.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.transport.http.HttpRouter;
import io.etcdj.transport.http.ResponseStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that stops reading cannot make a streamed response pin unbounded memory. */
class StreamBackpressureTest {
  private static final int CHUNK = 16 * 1024;
  private static final long POLITE_TOTAL = 16L << 20;

  private EventLoops loops;
  private PortServer server;
  private final CompletableFuture<Throwable> floodFailure = new CompletableFuture<>();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong maxInFlight = new AtomicLong();
  private final AtomicBoolean waiting = new AtomicBoolean();
  private final CompletableFuture<Void> politeDone = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    loops = EventLoops.create("bp-test", 2);
    Listener l = Listener.builder(URI.create("http://127.0.0.1:0")).bind(loops);
    server =
        PortServer.builder(l)
            .http(
                HttpRouter.builder()
                    .handle(
                        "/flood",
                        ex -> {
                          // ignores writability: must be cut off, not buffered without bound
                          ResponseStream s = ex.stream(200, new DefaultHttpHeaders(), 1 << 20);
                          for (int i = 0; i < 16 * 1024; i++) {
                            s.write(new byte[CHUNK])
                                .whenComplete(
                                    (v, e) -> {
                                      // queued writes fail as closed; the cap's own refusal says
                                      // why
                                      if (e instanceof IllegalStateException) {
                                        floodFailure.complete(e);
                                      }
                                    });
                          }
                        })
                    .handle("/polite", ex -> pump(ex.stream(200, new DefaultHttpHeaders()), 0))
                    .build())
            .start();
  }

  /** Writes while writable, then waits for writability; runs on the event loop. */
  private void pump(ResponseStream s, long sent) {
    while (sent < POLITE_TOTAL && s.isWritable()) {
      sent += CHUNK;
      long now = inFlight.addAndGet(CHUNK);
      maxInFlight.accumulateAndGet(now, Math::max);
      s.write(new byte[CHUNK]).thenRun(() -> inFlight.addAndGet(-CHUNK));
    }
    if (sent >= POLITE_TOTAL) {
      s.end();
      politeDone.complete(null);
      return;
    }
    long at = sent;
    waiting.set(true);
    s.whenWritable().thenRun(() -> pump(s, at));
  }

  @AfterEach
  void stop() {
    server.close();
    loops.close();
  }

  private Socket request(String path) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(64 * 1024);
    s.connect(new InetSocketAddress("127.0.0.1", server.listener().port()), 5000);
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void producerIgnoringWritabilityIsAbortedAtTheCap() throws Exception {
    try (Socket s = request("/flood")) {
      Throwable e = floodFailure.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(e).hasMessageContaining("bytes unsent");
      // the connection is closed: draining it ends
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
      assertThat(total).isLessThan(256L * CHUNK * 64);
    }
  }

  @Test
  void politeProducerWaitsForAStalledClientAndFinishesWhenItReads() throws Exception {
    try (Socket s = request("/polite")) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilTrue(waiting);
      assertThat(politeDone).isNotDone();
      // Netty's default high water mark is 64 KiB: writes stop just past it.
      assertThat(maxInFlight.get()).isLessThanOrEqualTo(64 * 1024 + CHUNK);
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256 * 1024];
      long total = 0;
      String tail = "";
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        tail =
            (tail
                + new String(
                    buf, Math.max(0, n - 16), Math.min(n, 16), StandardCharsets.ISO_8859_1));
        tail = tail.substring(Math.max(0, tail.length() - 16));
        if (tail.endsWith("\r\n0\r\n\r\n")) {
          break;
        }
      }
      assertThat(total).isGreaterThan(POLITE_TOTAL);
      assertThat(politeDone).isDone();
    }
  }
}
