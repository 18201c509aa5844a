package io.etcdj.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Go's {@code http.Server{ReadTimeout}} as etcd sets it (5 minutes) on its client and peer ports: a
 * request must arrive whole within it and a kept-alive connection may idle no longer; an answer
 * being written is not cut. On a frozen clock.
 */
class HttpReadTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static EmbeddedChannel channel() {
    HttpRouter router =
        HttpRouter.builder()
            .handle(
                "/ok", ex -> ex.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8)))
            .handle("/never", ex -> {})
            .build();
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline()
        .addLast(new HttpServerCodec())
        .addLast(new HttpServerHandler(router, false, Clock.systemUTC(), TIMEOUT));
    return ch;
  }

  private static void advance(EmbeddedChannel ch, Duration d) {
    ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    ch.runScheduledPendingTasks();
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private static void drainOutbound(EmbeddedChannel ch) {
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  @Test
  void connectionThatSendsNothingIsClosedAtTheReadTimeout() {
    EmbeddedChannel ch = channel();
    advance(ch, TIMEOUT.minusSeconds(1));
    assertThat(ch.isOpen()).isTrue();
    advance(ch, Duration.ofSeconds(1));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void halfSentRequestIsClosedAtTheReadTimeout() {
    EmbeddedChannel ch = channel();
    send(ch, "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    advance(ch, TIMEOUT);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void eachKeptAliveRequestGetsAFreshWindow() {
    EmbeddedChannel ch = channel();
    for (int i = 0; i < 3; i++) {
      advance(ch, TIMEOUT.minusSeconds(10));
      send(ch, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
      drainOutbound(ch);
      assertThat(ch.isOpen()).isTrue();
    }
    advance(ch, TIMEOUT);
    assertThat(ch.isOpen()).as("idle past the timeout after the last answer").isFalse();
  }

  @Test
  void slowAnswerIsNotCutByTheReadTimeout() {
    EmbeddedChannel ch = channel();
    send(ch, "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    advance(ch, TIMEOUT.multipliedBy(2));
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }
}
