package io.etcdj.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Go net/http ServeMux matching, as etcd's muxes rely on it (Go's TestServeMuxHandler cases). */
class HttpRouterTest {
  private static final HttpHandler H = ex -> {};

  private final HttpRouter router =
      HttpRouter.builder()
          .handle("/", H)
          .handle("/raft", H)
          .handle("/raft/", H)
          .handle("/raft/stream/", H)
          .handle("/members", H)
          .handle("/v2/keys/", H)
          .build();

  private String matched(String path) {
    HttpRouter.Match m = router.match("GET", path);
    if (m instanceof HttpRouter.Found f) {
      return f.route().pattern();
    }
    if (m instanceof HttpRouter.Redirect r) {
      return "301 " + r.location();
    }
    return "404";
  }

  @Test
  void exactAndSubtreeAreDistinctAndLongestWins() {
    assertThat(matched("/raft")).isEqualTo("/raft");
    assertThat(matched("/raft/")).isEqualTo("/raft/");
    assertThat(matched("/raft/probing")).isEqualTo("/raft/");
    assertThat(matched("/raft/stream/msgapp/8e9e05c52164694d")).isEqualTo("/raft/stream/");
    assertThat(matched("/members")).isEqualTo("/members");
    assertThat(matched("/members/x")).isEqualTo("/");
    assertThat(matched("/nosuch")).isEqualTo("/");
  }

  @Test
  void subtreeRootWithoutSlashRedirects() {
    assertThat(matched("/v2/keys")).isEqualTo("301 /v2/keys/");
  }

  @Test
  void uncleanPathsRedirectToTheCleanPath() {
    assertThat(matched("/raft//probing")).isEqualTo("301 /raft/probing");
    assertThat(matched("/a/../members")).isEqualTo("301 /members");
    assertThat(matched("/raft/./x/")).isEqualTo("301 /raft/x/");
  }

  @Test
  void nothingMatchesWithoutACatchAll() {
    HttpRouter r = HttpRouter.builder().handle("/health", H).build();
    assertThat(r.match("GET", "/nosuch")).isInstanceOf(HttpRouter.NotFound.class);
    assertThat(r.match("GET", "/health/")).isInstanceOf(HttpRouter.NotFound.class);
  }

  @Test
  void patternRegisteredTwiceIsRefusedAsGoPanics() {
    assertThatThrownBy(() -> HttpRouter.builder().handle("/x", H).handle("/x", H))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http: multiple registrations for /x");
  }

  @Test
  void cleanPathIsGoPathCleanKeepingTheSlash() {
    assertThat(HttpRouter.cleanPath("")).isEqualTo("/");
    assertThat(HttpRouter.cleanPath("a/b")).isEqualTo("/a/b");
    assertThat(HttpRouter.cleanPath("/../..")).isEqualTo("/");
    assertThat(HttpRouter.cleanPath("/a/b/../c/")).isEqualTo("/a/c/");
  }
}
