package io.etcdj.transport.http;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import java.util.Locale;
import java.util.Set;

/**
 * One registered pattern: Go {@code http.ServeMux} rules (a pattern ending in "/" is a subtree,
 * anything else an exact path), the methods it accepts (empty: any; otherwise 405 with {@code
 * Allow}, as etcd's handlers answer) and the largest request body it reads (413 beyond).
 */
public record Route(
    String pattern, Set<String> methods, long maxRequestBytes, HttpHandler handler) {
  public Route {
    checkArgument(pattern.startsWith("/"), "http: invalid pattern %s", pattern);
    checkArgument(maxRequestBytes >= 0, "negative maxRequestBytes");
    methods =
        methods.stream()
            .map(m -> m.toUpperCase(Locale.ROOT))
            .collect(ImmutableSet.toImmutableSet());
  }

  boolean subtree() {
    return pattern.endsWith("/");
  }

  boolean allows(String method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /** The {@code Allow} header value: the methods in registration order. */
  String allowHeader() {
    return String.join(", ", methods);
  }
}
