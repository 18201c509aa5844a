package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.etcdj.etcdserver.EtcdServerException;
import io.etcdj.etcdserver.ServerError;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.etcdserver.membership.MemberJson;
import io.etcdj.etcdserver.membership.MembershipError;
import io.etcdj.etcdserver.membership.MembershipException;
import io.etcdj.etcdserver.types.GoJson;
import io.etcdj.proto.etcdserverpb.HashKVRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.proto.etcdserverpb.LeaseTimeToLiveResponse;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.leasepb.LeaseInternalRequest;
import io.etcdj.proto.leasepb.LeaseInternalResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * The peer port's HTTP routes ({@code etcdhttp/peer.go newPeerHandler}, {@code lease/leasehttp},
 * {@code etcdserver/corrupt.go}'s hashKV handler). Until rafthttp serves {@code /raft} and {@code
 * /raft/...}, those answer as a lone etcd member's pipeline handler does to anything but its own
 * peers' POSTs: {@code 405 Allow: POST} for other methods. Paths not listed fall to the router's
 * {@code 404 page not found}.
 *
 * <p>Immutable; the handlers may run on any thread and never block.
 */
public final class PeerHandlers {
  static final Duration APPLY_TIMEOUT = Duration.ofSeconds(1);
  static final String LEASE_TIMEOUT_TEXT =
      "waiting for node to catch up its applied index has timed out";
  private static final String PROMOTE_PREFIX = "/members/promote/";

  private final ServerView server;
  private final MemberPromoter promoter;
  private final HashKvSource hashKv;
  private final LeaseView leases;
  private final ScheduledExecutorService scheduler;
  private final List<Route> routes;

  /**
   * @param raftHandler rafthttp's handler for {@code /raft} and {@code /raft/}, or null for the
   *     single-member stand-in
   */
  public PeerHandlers(
      String serverVersion,
      ServerView server,
      MemberPromoter promoter,
      HashKvSource hashKv,
      LeaseView leases,
      ScheduledExecutorService scheduler,
      HttpHandler raftHandler) {
    this.server = server;
    this.promoter = promoter;
    this.hashKv = hashKv;
    this.leases = leases;
    this.scheduler = scheduler;
    HttpHandler raft = raftHandler != null ? raftHandler : PeerHandlers::loneRaft;
    List<Route> r = new ArrayList<>();
    r.add(new Route("/raft", raft));
    r.add(new Route("/raft/", raft));
    r.add(new Route("/members", this::members));
    r.add(new Route(PROMOTE_PREFIX, this::promote));
    r.add(new Route("/leases", this::leases));
    r.add(new Route("/leases/internal", this::leases));
    r.add(new Route("/members/hashkv", this::hashKv));
    r.add(new Route("/version", new VersionHandler(serverVersion, server)));
    this.routes = List.copyOf(r);
  }

  public List<Route> routes() {
    return routes;
  }

  private HttpHeaders clusterIdHeader() {
    return HttpHeaders.of("X-Etcd-Cluster-Id", Long.toHexString(server.clusterId()));
  }

  /** A pipeline handler with no peers: only its method check can be reached from outside. */
  private static CompletableFuture<HttpResponse> loneRaft(HttpRequest r) {
    if (!r.method().equals("POST")) {
      return PlainText.done(PlainText.methodNotAllowed("POST"));
    }
    return PlainText.done(PlainText.notFound());
  }

  static String membersJson(List<Member> members) {
    List<Member> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(Member::id, Long::compareUnsigned));
    return MemberJson.encodeList(sorted) + "\n";
  }

  private CompletableFuture<HttpResponse> members(HttpRequest r) {
    if (!r.method().equals("GET")) {
      return PlainText.done(PlainText.methodNotAllowed("GET"));
    }
    if (!r.path().equals("/members")) {
      return PlainText.done(PlainText.error(400, "bad path", clusterIdHeader()));
    }
    return PlainText.done(
        new HttpResponse.Full(
            200,
            clusterIdHeader().with("Content-Type", "application/json"),
            membersJson(server.members()).getBytes(UTF_8)));
  }

  private CompletableFuture<HttpResponse> promote(HttpRequest r) {
    if (!r.method().equals("POST")) {
      return PlainText.done(PlainText.methodNotAllowed("POST"));
    }
    if (!r.path().startsWith(PROMOTE_PREFIX)) {
      return PlainText.done(PlainText.error(400, "bad path", clusterIdHeader()));
    }
    String idText = r.path().substring(PROMOTE_PREFIX.length());
    long id;
    try {
      id = parseGoUint64(idText);
    } catch (NumberFormatException e) {
      return PlainText.done(
          PlainText.error(404, "member " + idText + " not found in cluster", clusterIdHeader()));
    }
    CompletableFuture<List<Member>> f;
    try {
      f = promoter.promote(id);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
        (members, err) -> {
          if (err == null) {
            return new HttpResponse.Full(
                200,
                clusterIdHeader().with("Content-Type", "application/json"),
                membersJson(members).getBytes(UTF_8));
          }
          Throwable t = Deadlines.unwrap(err);
          if (t instanceof MembershipException me && me.error() == MembershipError.ID_NOT_FOUND) {
            return PlainText.error(404, me.error().text(), clusterIdHeader());
          }
          if (t instanceof MembershipException me
              && me.error() == MembershipError.MEMBER_NOT_LEARNER) {
            return PlainText.error(412, me.error().text(), clusterIdHeader());
          }
          if (t instanceof EtcdServerException se && se.error() == ServerError.LEARNER_NOT_READY) {
            return PlainText.error(412, se.error().text(), clusterIdHeader());
          }
          // etcdhttp.WriteError's default: a v2 HTTPError of 500.
          return new HttpResponse.Full(
              500,
              clusterIdHeader().with("Content-Type", "application/json"),
              "{\"message\":\"Internal Server Error\"}".getBytes(UTF_8));
        });
  }

  /** {@code strconv.ParseUint(s, 10, 64)}: decimal digits only, no sign, fits in 64 bits. */
  static long parseGoUint64(String s) {
    if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new NumberFormatException(s);
    }
    return Long.parseUnsignedLong(s);
  }

  private CompletableFuture<HttpResponse> hashKv(HttpRequest r) {
    if (!r.method().equals("GET")) {
      return PlainText.done(PlainText.methodNotAllowed("GET"));
    }
    if (!r.path().equals("/members/hashkv")) {
      return PlainText.done(PlainText.error(400, "bad path"));
    }
    long revision;
    try {
      HashKVRequest.Builder b = HashKVRequest.newBuilder();
      String text = new String(r.body(), UTF_8);
      JsonFormat.parser().ignoringUnknownFields().merge(text.isBlank() ? "x" : text, b);
      revision = b.getRevision();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return PlainText.done(PlainText.error(400, "error unmarshalling request"));
    }
    CompletableFuture<HashKvSource.HashKv> f;
    try {
      f = hashKv.hashByRevision(revision);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
        (h, err) -> {
          if (err != null) {
            return PlainText.error(400, String.valueOf(Deadlines.unwrap(err).getMessage()));
          }
          return new HttpResponse.Full(
              200,
              HttpHeaders.of("Content-Type", "application/json").withAll(clusterIdHeader()),
              hashKvJson(h).getBytes(UTF_8));
        });
  }

  /** Go's {@code json.Marshal} of {@code HashKVResponse}: every field {@code omitempty}. */
  static String hashKvJson(HashKvSource.HashKv h) {
    StringBuilder b = new StringBuilder("{\"header\":{");
    if (h.revision() != 0) {
      b.append("\"revision\":").append(h.revision());
    }
    b.append('}');
    if (h.hash() != 0) {
      b.append(",\"hash\":").append(Integer.toUnsignedString(h.hash()));
    }
    if (h.compactRevision() != 0) {
      b.append(",\"compact_revision\":").append(h.compactRevision());
    }
    return b.append('}').toString();
  }

  private CompletableFuture<HttpResponse> leases(HttpRequest r) {
    if (!r.method().equals("POST")) {
      return PlainText.done(PlainText.methodNotAllowed());
    }
    boolean internal;
    if (r.path().equals("/leases")) {
      internal = false;
    } else if (r.path().equals("/leases/internal")) {
      internal = true;
    } else {
      return PlainText.done(PlainText.error(400, "unknown request path " + GoJson.quote(r.path())));
    }
    long id;
    boolean keys;
    try {
      if (internal) {
        LeaseInternalRequest req = LeaseInternalRequest.parseFrom(r.body());
        id = req.getLeaseTimeToLiveRequest().getID();
        keys = req.getLeaseTimeToLiveRequest().getKeys();
      } else {
        id = LeaseKeepAliveRequest.parseFrom(r.body()).getID();
        keys = false;
      }
    } catch (InvalidProtocolBufferException e) {
      return PlainText.done(PlainText.error(400, "error unmarshalling request"));
    }
    long leaseId = id;
    boolean withKeys = keys;
    CompletableFuture<Void> caughtUp =
        Deadlines.within(leases.applyWait(), APPLY_TIMEOUT, scheduler);
    return caughtUp
        .handle((v, err) -> err)
        .thenCompose(
            err -> {
              if (err != null) {
                if (Deadlines.unwrap(err) instanceof TimeoutException) {
                  return PlainText.done(PlainText.error(408, LEASE_TIMEOUT_TEXT));
                }
                return PlainText.done(
                    PlainText.error(400, String.valueOf(Deadlines.unwrap(err).getMessage())));
              }
              return internal ? timeToLive(leaseId, withKeys) : renew(leaseId);
            });
  }

  private CompletableFuture<HttpResponse> renew(long id) {
    return leases
        .renew(id)
        .handle(
            (ttl, err) -> {
              if (err != null) {
                Throwable t = Deadlines.unwrap(err);
                int status = t instanceof LeaseView.LeaseNotFoundException ? 404 : 400;
                return PlainText.error(status, String.valueOf(t.getMessage()));
              }
              return protobuf(
                  LeaseKeepAliveResponse.newBuilder().setID(id).setTTL(ttl).build().toByteArray());
            });
  }

  private CompletableFuture<HttpResponse> timeToLive(long id, boolean withKeys) {
    return leases
        .lookup(id)
        .handle(
            (l, err) -> {
              if (err != null) {
                return PlainText.error(400, String.valueOf(Deadlines.unwrap(err).getMessage()));
              }
              if (l == null) {
                return PlainText.error(404, "lease not found");
              }
              LeaseTimeToLiveResponse.Builder b =
                  LeaseTimeToLiveResponse.newBuilder()
                      .setHeader(ResponseHeader.getDefaultInstance())
                      .setID(id)
                      .setTTL(l.remainingSeconds())
                      .setGrantedTTL(l.grantedTtl());
              if (withKeys) {
                b.addAllKeys(l.keys());
              }
              return protobuf(
                  LeaseInternalResponse.newBuilder()
                      .setLeaseTimeToLiveResponse(b)
                      .build()
                      .toByteArray());
            });
  }

  private static HttpResponse protobuf(byte[] body) {
    return new HttpResponse.Full(200, HttpHeaders.of("Content-Type", "application/protobuf"), body);
  }
}
