package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.codahale.metrics.Counter;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code /health} as etcd 3.4.23 serves it ({@code etcdhttp/metrics.go}): unhealthy when, in this
 * order, an alarm not named in {@code ?exclude=} is active, there is no leader, or the quorum probe
 * does not succeed within one second. Healthy is {@code 200 {"health":"true"}} with Go's sniffed
 * {@code text/plain; charset=utf-8} and no newline; unhealthy is {@code http.Error(503)} of {@code
 * {"health":"false"}} (so with a newline). Counts {@code etcd_server_health_success} and {@code
 * _failures}.
 */
final class HealthHandler implements HttpHandler {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final byte[] HEALTHY = "{\"health\":\"true\"}".getBytes(UTF_8);

  private final ServerView server;
  private final HealthProbes probes;
  private final ScheduledExecutorService scheduler;
  private final Counter successes;
  private final Counter failures;

  HealthHandler(
      ServerView server,
      HealthProbes probes,
      ScheduledExecutorService scheduler,
      Counter successes,
      Counter failures) {
    this.server = server;
    this.probes = probes;
    this.scheduler = scheduler;
    this.successes = successes;
    this.failures = failures;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest request) {
    if (!request.method().equals("GET")) {
      return PlainText.done(PlainText.methodNotAllowed("GET"));
    }
    Set<String> excluded = new HashSet<>(request.queryValues("exclude"));
    if (hasUnexcludedAlarm(server.alarms(), excluded) || !server.hasLeader()) {
      return PlainText.done(answer(false));
    }
    CompletableFuture<Boolean> probe;
    try {
      probe = probes.quorumProbe();
    } catch (RuntimeException e) {
      return PlainText.done(answer(false));
    }
    return Deadlines.within(probe, PROBE_TIMEOUT, scheduler)
        .handle((ok, err) -> answer(err == null && Boolean.TRUE.equals(ok)));
  }

  private static boolean hasUnexcludedAlarm(List<AlarmMember> alarms, Set<String> excluded) {
    for (AlarmMember a : alarms) {
      if (!excluded.contains(a.getAlarm().name())) {
        return true;
      }
    }
    return false;
  }

  private HttpResponse answer(boolean healthy) {
    if (healthy) {
      successes.inc();
      return new HttpResponse.Full(
          200, HttpHeaders.of("Content-Type", PlainText.TEXT_PLAIN), HEALTHY.clone());
    }
    failures.inc();
    return PlainText.error(503, "{\"health\":\"false\"}");
  }
}
