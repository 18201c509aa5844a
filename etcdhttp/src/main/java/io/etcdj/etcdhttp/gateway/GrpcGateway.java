package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.etcdj.etcdhttp.HttpHandler;
import io.etcdj.etcdhttp.HttpHeaders;
import io.etcdj.etcdhttp.HttpRequest;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.PlainText;
import io.etcdj.etcdhttp.Route;
import io.etcdj.etcdhttp.gateway.JsonValues.JsonSyntaxException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's grpc-gateway ({@code etcdserverpb/gw}, {@code v3lockpb/gw}, {@code v3electionpb/gw} behind
 * grpc-gateway v1.9.5's runtime): JSON over HTTP/1.1 POST forwarded to the gRPC services through a
 * {@link Channel} (in-process in the node, so no second network hop).
 *
 * <p>Paths come from {@link GatewayRoutes}; {@code /v3beta/...} is rewritten to {@code /v3/...}
 * first, as {@code embed/serve.go}'s {@code wsproxy}-less mux does in 3.4; {@code /v3alpha} is not
 * served. A known path with another method answers {@code 405 Method Not Allowed} (no Allow
 * header), an unknown path under {@code /v3/} answers {@code 404 Not Found}.
 *
 * <p>Thread-safe: {@link #handle} may be called from any thread; it never blocks.
 */
public final class GrpcGateway implements HttpHandler {
  static final String JSON = "application/json";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String METADATA_PREFIX = "Grpc-Metadata-";

  private final Channel channel;
  private final GatewayRoutes routes;

  public GrpcGateway(Channel channel) {
    this(channel, GatewayRoutes.etcd());
  }

  /**
   * A gateway whose calls share {@code maxConcurrentStreams} streams, as etcd's gateway connection
   * to its server does ({@code --max-concurrent-streams}; see {@link StreamQuota}).
   */
  public GrpcGateway(Channel channel, long maxConcurrentStreams) {
    this(
        ClientInterceptors.intercept(channel, new StreamQuota(maxConcurrentStreams)),
        GatewayRoutes.etcd());
  }

  GrpcGateway(Channel channel, GatewayRoutes routes) {
    this.channel = channel;
    this.routes = routes;
  }

  /** The registrations etcd 3.4's client mux makes for the gateway. */
  public List<Route> routes() {
    return List.of(new Route("/v3/", this), new Route("/v3beta/", this));
  }

  /** Every path the gateway answers, after the {@code /v3beta} rewrite (for tests and docs). */
  public List<String> paths() {
    return List.copyOf(routes.all().keySet());
  }

  /** The full gRPC method name a path forwards to, or null. */
  public String methodFor(String path) {
    GatewayRoute r = routes.find(path);
    return r == null ? null : r.method().getFullMethodName();
  }

  @Override
  public CompletableFuture<HttpResponse> handle(HttpRequest request) {
    String path = request.path();
    if (path.startsWith("/v3beta/")) {
      path = "/v3/" + path.substring("/v3beta/".length());
    }
    GatewayRoute route = routes.find(path);
    if (route == null) {
      return PlainText.done(PlainText.error(404, "Not Found"));
    }
    if (!request.method().equals("POST")) {
      return PlainText.done(PlainText.methodNotAllowed());
    }
    JsonValues body = new JsonValues(request.body());
    List<Message> messages = new ArrayList<>();
    try {
      Message first = readOne(body, route);
      messages.add(first == null ? route.requestPrototype() : first);
    } catch (JsonSyntaxException | InvalidProtocolBufferException e) {
      // Unary: status.Errorf(codes.InvalidArgument, "%v", err). Streaming: the decode error is
      // returned as it is, which the gateway reports as Unknown.
      Status.Code code =
          route.clientStreaming() ? Status.Code.UNKNOWN : Status.Code.INVALID_ARGUMENT;
      return PlainText.done(
          errorResponse(Status.fromCode(code).withDescription(goMessage(e)), false));
    }
    if (route.clientStreaming()) {
      // Later messages are sent until the body ends or fails to decode; either ends the sending.
      while (true) {
        try {
          Message m = readOne(body, route);
          if (m == null) {
            break;
          }
          messages.add(m);
        } catch (JsonSyntaxException | InvalidProtocolBufferException e) {
          break;
        }
      }
    }
    Metadata md = metadata(request.headers());
    CallOptions options = CallOptions.DEFAULT;
    if (route.serverStreaming()) {
      return new GatewayStream(channel.newCall(route.method(), options), md, messages).start();
    }
    return new GatewayUnary(channel.newCall(route.method(), options), md, messages.get(0)).start();
  }

  private static Message readOne(JsonValues body, GatewayRoute route)
      throws JsonSyntaxException, InvalidProtocolBufferException {
    String text = body.next();
    return text == null ? null : GatewayJson.parse(text, route.requestPrototype());
  }

  private static String goMessage(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * {@code AnnotateContext}: {@code Authorization} becomes the {@code authorization} metadata etcd
   * reads a token from, and {@code Grpc-Metadata-<k>} headers become {@code <k>}.
   */
  static Metadata metadata(HttpHeaders headers) {
    Metadata md = new Metadata();
    for (HttpHeaders.Field f : headers.fields()) {
      String name = f.name();
      if (name.equalsIgnoreCase("Authorization")) {
        md.put(AUTHORIZATION, f.value());
      } else if (name.regionMatches(true, 0, METADATA_PREFIX, 0, METADATA_PREFIX.length())
          && name.length() > METADATA_PREFIX.length()) {
        String key = name.substring(METADATA_PREFIX.length()).toLowerCase(Locale.ROOT);
        if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX) && !key.startsWith("grpc-")) {
          md.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), f.value());
        }
      }
    }
    return md;
  }

  /** A successful unary answer. */
  static HttpResponse.Full ok(Message m) {
    return new HttpResponse.Full(200, successHeaders(), GatewayJson.print(m).getBytes(UTF_8));
  }

  static HttpHeaders successHeaders() {
    return HttpHeaders.of("Content-Type", JSON, "Grpc-Metadata-Content-Type", "application/grpc");
  }

  /**
   * {@code DefaultHTTPError}. When the error came back from the gRPC call its trailer metadata
   * ({@code content-type}) is announced and sent as {@code Grpc-Trailer-Content-Type}; an error the
   * gateway found itself (bad JSON) has no trailers.
   */
  static HttpResponse.Full errorResponse(Status status, boolean fromCall) {
    int http = GatewayStatus.httpStatus(status.getCode());
    byte[] body = GatewayJson.errorBody(status);
    if (!fromCall) {
      return new HttpResponse.Full(http, HttpHeaders.of("Content-Type", JSON), body);
    }
    return new HttpResponse.Full(
        http,
        HttpHeaders.of("Content-Type", JSON, "Trailer", "Grpc-Trailer-Content-Type"),
        body,
        HttpHeaders.of("Grpc-Trailer-Content-Type", "application/grpc"));
  }
}
