package io.etcdj.etcdhttp;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Go ServeMux matching over a list of routes, for tests (the real router lives in transport). */
final class TestRouter implements HttpHandler {
  private final List<Route> routes;

  TestRouter(List<Route> routes) {
    this.routes = routes;
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest r) {
    Route best = null;
    for (Route route : routes) {
      String p = route.pattern();
      boolean match = p.endsWith("/") ? r.path().startsWith(p) : r.path().equals(p);
      if (match && (best == null || p.length() > best.pattern().length())) {
        best = route;
      }
    }
    return best == null ? PlainText.done(PlainText.notFound()) : best.handler().handle(r);
  }
}
