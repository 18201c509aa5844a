package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.types.GoJson;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /version} on both ports ({@code etcdhttp/base.go serveVersion}): {@code
 * {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}} without a trailing newline, {@code "not_decided"}
 * before the cluster version is known; non-GET is 405 with {@code Allow: GET}.
 */
final class VersionHandler implements HttpHandler {
  private final String serverVersion;
  private final ServerView server;

  VersionHandler(String serverVersion, ServerView server) {
    this.serverVersion = serverVersion;
    this.server = server;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest request) {
    if (!request.method().equals("GET")) {
      return PlainText.done(PlainText.methodNotAllowed("GET"));
    }
    ClusterVersion cv = server.clusterVersion();
    StringBuilder b = new StringBuilder("{\"etcdserver\":");
    GoJson.writeString(b, serverVersion);
    b.append(",\"etcdcluster\":");
    GoJson.writeString(b, cv == null ? "not_decided" : cv.toString());
    b.append('}');
    return PlainText.done(
        new HttpResponse.Full(
            200, HttpHeaders.of("Content-Type", "application/json"), b.toString().getBytes(UTF_8)));
  }
}
