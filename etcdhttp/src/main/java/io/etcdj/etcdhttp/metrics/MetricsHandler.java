package io.etcdj.etcdhttp.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcdj.etcdhttp.HttpHandler;
import io.etcdj.etcdhttp.HttpHeaders;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.Route;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /metrics} ({@code etcdhttp.HandleMetricsHealth}'s {@code promhttp.Handler()}): the
 * registry in Prometheus text format, after the samplers copied in what the server keeps. Any
 * method is answered, as promhttp does. Sampling and writing read only counters and volatile
 * fields, so it runs on the calling thread.
 */
public final class MetricsHandler implements HttpHandler {
  private final EtcdMetrics metrics;

  public MetricsHandler(EtcdMetrics metrics) {
    this.metrics = metrics;
  }

  public Route route() {
    return new Route("/metrics", this);
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest request) {
    metrics.refresh();
    byte[] body = new PrometheusText(metrics.help()).write(metrics.registry()).getBytes(UTF_8);
    return CompletableFuture.completedFuture(
        new HttpResponse.Full(
            200, HttpHeaders.of("Content-Type", PrometheusText.CONTENT_TYPE), body));
  }
}
