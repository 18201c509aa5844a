package io.etcdj.etcdhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counter;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Client-port handlers; expected texts are what etcd 3.4.23 answered on loopback (health, version,
 * 405, OPTIONS, 421) and what 3.4.45's health.go writes (livez, readyz).
 */
class ClientHandlersTest {
  private final FakeServer server = new FakeServer();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Counter ok = new Counter();
  private final Counter bad = new Counter();
  private final TestRouter router =
      new TestRouter(
          new ClientHandlers("3.4.23", server, server, scheduler.executor, ok, bad).routes());
  private final ClientAccessController access =
      new ClientAccessController(Set.of("*"), Set.of("*"), false, router);

  private HttpResponse.Full get(String path, String query) {
    return (HttpResponse.Full) access.handle(HttpRequest.of("GET", path).withQuery(query)).join();
  }

  @Test
  void versionJsonWithCorsHeaders() {
    HttpResponse.Full r = get("/version", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(RecordingSink.text(r))
        .isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    assertThat(r.headers())
        .isEqualTo(
            ClientAccessController.corsHeaders("*").with("Content-Type", "application/json"));
    server.version = null;
    assertThat(RecordingSink.text(get("/version", "")))
        .isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"not_decided\"}");
  }

  @Test
  void healthyAnswersTrueWithoutNewline() {
    HttpResponse.Full r = get("/health", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(RecordingSink.text(r)).isEqualTo("{\"health\":\"true\"}");
    assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(ok.getCount()).isEqualTo(1);
  }

  @Test
  void alarmMakesUnhealthyUnlessExcluded() {
    server.alarms = List.of(AlarmMember.newBuilder().setAlarm(AlarmType.NOSPACE).build());
    HttpResponse.Full r = get("/health", "");
    assertThat(r.status()).isEqualTo(503);
    assertThat(RecordingSink.text(r)).isEqualTo("{\"health\":\"false\"}\n");
    assertThat(r.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(get("/health", "exclude=NOSPACE").status()).isEqualTo(200);
    assertThat(bad.getCount()).isEqualTo(1);
  }

  @Test
  void noLeaderIsUnhealthy() {
    server.leader = false;
    assertThat(get("/health", "").status()).isEqualTo(503);
  }

  @Test
  void quorumProbeIsBoundedByOneSecond() {
    server.quorum = new CompletableFuture<>();
    CompletableFuture<HttpResponse> f = access.handle(HttpRequest.of("GET", "/health"));
    assertThat(f).isNotDone();
    scheduler.runAll();
    assertThat(f.join().status()).isEqualTo(503);
    server.quorum = CompletableFuture.completedFuture(false);
    assertThat(get("/health", "").status()).isEqualTo(503);
  }

  @Test
  void healthPostIs405WithAllow() {
    HttpResponse.Full r =
        (HttpResponse.Full) access.handle(HttpRequest.of("POST", "/health")).join();
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().get("Allow")).isEqualTo("GET");
    assertThat(RecordingSink.text(r)).isEqualTo("Method Not Allowed\n");
  }

  @Test
  void optionsAnywhereIs200Empty() {
    HttpResponse.Full r =
        (HttpResponse.Full) access.handle(HttpRequest.of("OPTIONS", "/whatever")).join();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers()).isEqualTo(ClientAccessController.corsHeaders("*"));
  }

  @Test
  void unknownPathIs404WithCors() {
    HttpResponse.Full r = get("/nothing", "");
    assertThat(r.status()).isEqualTo(404);
    assertThat(RecordingSink.text(r)).isEqualTo("404 page not found\n");
    assertThat(r.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
  }

  @Test
  void hostNotWhitelistedIs421WithEtcdsText() {
    ClientAccessController strict =
        new ClientAccessController(Set.of("127.0.0.1"), Set.of("*"), false, router);
    HttpResponse.Full r =
        (HttpResponse.Full)
            strict.handle(HttpRequest.of("GET", "/version").withHost("evil.example")).join();
    assertThat(r.status()).isEqualTo(421);
    assertThat(r.headers().get("Access-Control-Allow-Origin")).isNull();
    // etcd 3.4.23 --host-whitelist 127.0.0.1, curl -H 'Host: evil.example' (374 bytes).
    String expected =
        "\netcd received your request, but the Host header was unrecognized.\n\n"
            + "To fix this, choose one of the following options:\n"
            + "- Enable TLS, then any HTTPS request will be allowed.\n"
            + "- Add the hostname you want to use to the whitelist in settings.\n"
            + "  - e.g. etcd --host-whitelist \"evil.example\"\n\n"
            + "This requirement has been added to help prevent \"DNS Rebinding\" attacks"
            + " (CVE-2018-5702).\n\n";
    assertThat(RecordingSink.text(r)).isEqualTo(expected);
    assertThat(r.body()).hasSize(374);
    assertThat(
            strict
                .handle(HttpRequest.of("GET", "/version").withHost("127.0.0.1:2379"))
                .join()
                .status())
        .isEqualTo(200);
    ClientAccessController tls =
        new ClientAccessController(Set.of("127.0.0.1"), Set.of("*"), true, router);
    assertThat(tls.handle(HttpRequest.of("GET", "/version").withHost("evil")).join().status())
        .isEqualTo(200);
  }

  @Test
  void corsEchoesAnAllowedOrigin() {
    ClientAccessController c =
        new ClientAccessController(Set.of(), Set.of("http://a.example"), false, router);
    HttpResponse r =
        c.handle(
                HttpRequest.of("GET", "/version")
                    .withHeaders(HttpHeaders.of("Origin", "http://a.example")))
            .join();
    assertThat(r.headers().get("Access-Control-Allow-Origin")).isEqualTo("http://a.example");
    HttpResponse other =
        c.handle(
                HttpRequest.of("GET", "/version")
                    .withHeaders(HttpHeaders.of("Origin", "http://b.example")))
            .join();
    assertThat(other.headers().get("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void livezAndReadyz() {
    HttpResponse.Full live = get("/livez", "");
    assertThat(live.status()).isEqualTo(200);
    assertThat(RecordingSink.text(live)).isEqualTo("ok\n");
    assertThat(RecordingSink.text(get("/readyz", "verbose")))
        .isEqualTo("[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n");
    server.linearizable =
        CompletableFuture.failedFuture(new IllegalStateException("etcdserver: request timed out"));
    HttpResponse.Full notReady = get("/readyz", "");
    assertThat(notReady.status()).isEqualTo(503);
    assertThat(RecordingSink.text(notReady))
        .isEqualTo(
            "[+]data_corruption ok\n[+]serializable_read ok\n"
                + "[-]linearizable_read failed: etcdserver: request timed out\n\n");
    assertThat(get("/readyz", "exclude=linearizable_read").status()).isEqualTo(200);
    assertThat(get("/readyz/serializable_read", "").status()).isEqualTo(200);
    server.alarms = List.of(AlarmMember.newBuilder().setAlarm(AlarmType.CORRUPT).build());
    assertThat(RecordingSink.text(get("/readyz/data_corruption", "")))
        .isEqualTo("[-]data_corruption failed: alarm activated: CORRUPT\n\n");
  }

  @Test
  void v3betaIsRewritten() {
    HttpRequest[] seen = new HttpRequest[1];
    ClientAccessController c =
        new ClientAccessController(
            Set.of(),
            Set.of(),
            false,
            r -> {
              seen[0] = r;
              return PlainText.done(PlainText.notFound());
            });
    c.handle(HttpRequest.of("POST", "/v3beta/kv/range")).join();
    assertThat(seen[0].path()).isEqualTo("/v3/kv/range");
  }
}
