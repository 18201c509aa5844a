package io.etcdj.transport.http;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP side of a port: handlers other modules register by path, matched with Go {@code
 * net/http.ServeMux}'s rules as etcd uses them ({@code etcdhttp}, {@code rafthttp}):
 *
 * <ul>
 *   <li>a pattern not ending in "/" matches that path only; one ending in "/" matches its subtree,
 *       and the longest matching pattern wins ("/raft" and "/raft/" are distinct);
 *   <li>a request for a subtree root without its slash ("/v2/keys" with only "/v2/keys/"
 *       registered) is redirected (301) to the slashed path, and an unclean path ("//a", "/a/../b")
 *       to its cleaned form;
 *   <li>nothing matching answers Go's {@code http.NotFound}: 404, "404 page not found\n".
 * </ul>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class HttpRouter {
  /**
   * Go's {@code http.DefaultMaxHeaderBytes}-sized default for bodies: 1.5 MiB (etcd's request
   * limit).
   */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 3 * 512 * 1024;

  private final ImmutableMap<String, Route> exact;
  private final ImmutableList<Route> subtrees; // longest first

  private HttpRouter(Map<String, Route> routes) {
    ImmutableMap.Builder<String, Route> e = ImmutableMap.builder();
    List<Route> s = new ArrayList<>();
    for (Route r : routes.values()) {
      if (r.subtree()) {
        s.add(r);
      } else {
        e.put(r.pattern(), r);
      }
    }
    s.sort(Comparator.comparingInt((Route r) -> r.pattern().length()).reversed());
    this.exact = e.build();
    this.subtrees = ImmutableList.copyOf(s);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What the router decided for a request path. */
  sealed interface Match permits Found, Redirect, NotFound {}

  record Found(Route route) implements Match {}

  record Redirect(String location) implements Match {}

  record NotFound() implements Match {}

  /** Resolves {@code path} (the request's escaped path, without query). */
  Match match(String method, String path) {
    if ("CONNECT".equals(method)) {
      Route r = lookup(path);
      return r == null ? new NotFound() : new Found(r);
    }
    // ServeMux.Handler's order: clean, redirect /tree to /tree/, redirect to the clean path.
    String clean = cleanPath(path);
    if (!clean.endsWith("/") && !exact.containsKey(clean) && isSubtree(clean + "/")) {
      return new Redirect(clean + "/");
    }
    if (!clean.equals(path)) {
      return new Redirect(clean);
    }
    Route r = lookup(path);
    return r == null ? new NotFound() : new Found(r);
  }

  private boolean isSubtree(String pattern) {
    for (Route s : subtrees) {
      if (s.pattern().equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  private Route lookup(String path) {
    Route r = exact.get(path);
    if (r != null) {
      return r;
    }
    for (Route s : subtrees) {
      if (path.startsWith(s.pattern())) {
        return s;
      }
    }
    return null;
  }

  /** Go's {@code path.Clean}, keeping a trailing slash, as {@code ServeMux.cleanPath}. */
  static String cleanPath(String p) {
    if (p.isEmpty()) {
      return "/";
    }
    if (p.charAt(0) != '/') {
      p = "/" + p;
    }
    List<String> out = new ArrayList<>();
    for (String part : p.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(part);
    }
    String clean = "/" + String.join("/", out);
    if (p.endsWith("/") && !clean.equals("/")) {
      clean += "/";
    }
    return clean;
  }

  /** Collects routes; registering a pattern twice is refused, as Go panics. */
  public static final class Builder {
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private long defaultMaxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

    private Builder() {}

    /** The body limit for routes registered without one (set it before registering them). */
    public Builder defaultMaxRequestBytes(long bytes) {
      checkArgument(bytes >= 0, "negative limit");
      this.defaultMaxRequestBytes = bytes;
      return this;
    }

    /** Any method, the default body limit. */
    public Builder handle(String pattern, HttpHandler handler) {
      return handle(new Route(pattern, Set.of(), defaultMaxRequestBytes, handler));
    }

    /** Only {@code methods} (405 otherwise), the default body limit. */
    public Builder handle(String pattern, Set<String> methods, HttpHandler handler) {
      return handle(new Route(pattern, methods, defaultMaxRequestBytes, handler));
    }

    public Builder handle(Route route) {
      checkArgument(
          routes.putIfAbsent(route.pattern(), route) == null,
          "http: multiple registrations for %s",
          route.pattern());
      return this;
    }

    public HttpRouter build() {
      return new HttpRouter(routes);
    }
  }
}
