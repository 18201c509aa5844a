package io.etcdj.etcdhttp;

import com.codahale.metrics.Counter;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The client port's own HTTP routes ({@code etcdhttp.HandleBasic} without expvar and log level,
 * plus 3.4.29+'s {@code /livez} and {@code /readyz}): {@code /version}, {@code /health} and the
 * health-check registries. The gateway's and {@code /metrics}' routes are added next to these; wrap
 * the router in {@link ClientAccessController}.
 */
public final class ClientHandlers {
  private final List<Route> routes;

  public ClientHandlers(
      String serverVersion,
      ServerView server,
      HealthProbes probes,
      ScheduledExecutorService scheduler,
      Counter healthSuccesses,
      Counter healthFailures) {
    List<Route> r = new ArrayList<>();
    r.add(new Route("/version", new VersionHandler(serverVersion, server)));
    r.add(health(server, probes, scheduler, healthSuccesses, healthFailures));
    r.addAll(
        new HealthCheckRegistry("livez")
            .register("serializable_read", () -> probes.read(true))
            .routes());
    r.addAll(
        new HealthCheckRegistry("readyz")
            .register("data_corruption", () -> corruptAlarm(server))
            .register("serializable_read", () -> probes.read(true))
            .register("linearizable_read", () -> probes.read(false))
            .routes());
    this.routes = List.copyOf(r);
  }

  /** The {@code /health} route alone (also served by {@code --listen-metrics-urls}). */
  public static Route health(
      ServerView server,
      HealthProbes probes,
      ScheduledExecutorService scheduler,
      Counter successes,
      Counter failures) {
    return new Route("/health", new HealthHandler(server, probes, scheduler, successes, failures));
  }

  public List<Route> routes() {
    return routes;
  }

  private static CompletableFuture<Void> corruptAlarm(ServerView server) {
    for (AlarmMember a : server.alarms()) {
      if (a.getAlarm() == AlarmType.CORRUPT) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("alarm activated: CORRUPT"));
      }
    }
    return CompletableFuture.completedFuture(null);
  }
}
