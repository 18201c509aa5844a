package io.etcdj.etcdhttp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code /livez} and {@code /readyz} as etcd 3.4.29+ serve them ({@code etcdhttp/health.go} {@code
 * CheckRegistry}); we serve them because operators' probes expect them on 3.4.
 *
 * <p>{@code /<type>} runs every check not named in {@code ?exclude=}; {@code /<type>/<check>} runs
 * one. Success: {@code 200 ok\n} ({@code text/plain}, {@code nosniff}), preceded by one {@code
 * [+]<check> ok} line per check when {@code ?verbose} is present. Failure: {@code http.Error(503)}
 * of the {@code [+]<check> ok} / {@code [-]<check> failed: <err>} lines. Go iterates a map, so its
 * check order varies; ours is the registration order.
 */
final class HealthCheckRegistry {
  private final String type;
  private final Map<String, Supplier<CompletableFuture<Void>>> checks = new LinkedHashMap<>();

  HealthCheckRegistry(String type) {
    this.type = type;
  }

  HealthCheckRegistry register(String name, Supplier<CompletableFuture<Void>> check) {
    checks.put(name, check);
    return this;
  }

  /** The root route and one route per check. */
  List<Route> routes() {
    List<Route> out = new ArrayList<>();
    out.add(
        new Route(
            "/" + type,
            r -> {
              Set<String> excluded = new HashSet<>(r.queryValues("exclude"));
              List<String> names = new ArrayList<>();
              for (String n : checks.keySet()) {
                if (!excluded.contains(n)) {
                  names.add(n);
                }
              }
              return run(r, names);
            }));
    for (String name : checks.keySet()) {
      out.add(new Route("/" + type + "/" + name, r -> run(r, List.of(name))));
    }
    return out;
  }

  private CompletableFuture<HttpResponse> run(HttpRequest request, List<String> names) {
    if (!request.method().equals("GET")) {
      return PlainText.done(PlainText.methodNotAllowed("GET"));
    }
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (String n : names) {
      CompletableFuture<Void> f;
      try {
        f = checks.get(n).get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      results.add(
          f.handle(
              (v, err) ->
                  err == null
                      ? "[+]" + n + " ok\n"
                      : "[-]" + n + " failed: " + Deadlines.unwrap(err).getMessage() + "\n"));
    }
    boolean verbose = request.rawQuery().matches("(^|.*[&;])verbose([=&;].*|$)");
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              StringBuilder reason = new StringBuilder();
              boolean failed = false;
              for (CompletableFuture<String> r : results) {
                String line = r.join();
                failed |= line.startsWith("[-]");
                reason.append(line);
              }
              if (failed) {
                return PlainText.error(503, reason.toString());
              }
              String body = (verbose ? reason.toString() : "") + "ok\n";
              return new HttpResponse.Full(
                  200,
                  HttpHeaders.of(
                      "Content-Type", PlainText.TEXT_PLAIN, "X-Content-Type-Options", "nosniff"),
                  body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
  }
}
