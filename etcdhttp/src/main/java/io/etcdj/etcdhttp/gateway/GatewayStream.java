package io.etcdj.etcdhttp.gateway;

import com.google.protobuf.Message;
import io.etcdj.etcdhttp.ChunkSink;
import io.etcdj.etcdhttp.ChunkedBody;
import io.etcdj.etcdhttp.HttpHeaders;
import io.etcdj.etcdhttp.HttpResponse;
import io.etcdj.etcdhttp.PlainText;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One streaming gateway call ({@code ForwardResponseStream}): the request messages from the body
 * are sent and the send side closed; when the server's headers arrive the HTTP status 200 and
 * headers go out, then each response message becomes a {@code {"result":...}\n} chunk. One message
 * is requested from gRPC at a time and the next only once the previous chunk was flushed, so a slow
 * HTTP client slows the server stream instead of filling memory.
 *
 * <p>Threads: gRPC callbacks arrive serialised on the channel's executor; chunk-write completions
 * and {@link #cancel} arrive from the adapter. Every operation on the {@link ClientCall} and on the
 * fields below runs in {@link #sync}, which makes them one logical owner.
 */
final class GatewayStream extends ClientCall.Listener<Message> implements ChunkedBody {
  private final SynchronizationContext sync =
      new SynchronizationContext(
          (t, e) -> {
            throw new IllegalStateException("gateway stream task failed", e);
          });
  private final ClientCall<Message, Message> call;
  private final Metadata headers;
  private final List<Message> requests;
  private final CompletableFuture<HttpResponse> result = new CompletableFuture<>();

  // Owned by sync.
  private boolean headersSeen;
  private ChunkSink sink;
  private boolean finished;

  GatewayStream(ClientCall<Message, Message> call, Metadata headers, List<Message> requests) {
    this.call = call;
    this.headers = headers;
    this.requests = requests;
  }

  CompletableFuture<HttpResponse> start() {
    sync.execute(
        () -> {
          call.start(this, headers);
          for (Message m : requests) {
            call.sendMessage(m);
          }
          call.halfClose();
        });
    return result;
  }

  @Override
  public void onHeaders(Metadata h) {
    sync.execute(
        () -> {
          if (!headersSeen) {
            headersSeen = true;
            result.complete(
                new HttpResponse.Chunked(200, GrpcGateway.successHeaders(), GatewayStream.this));
          }
        });
  }

  @Override
  public void start(ChunkSink s) {
    sync.execute(
        () -> {
          if (finished) {
            return;
          }
          sink = s;
          call.request(1);
        });
  }

  @Override
  public void onMessage(Message message) {
    byte[] line = GatewayJson.resultLine(message);
    sync.execute(
        () -> {
          if (finished) {
            return;
          }
          sink.write(line)
              .whenComplete(
                  (v, err) ->
                      sync.execute(
                          () -> {
                            if (finished) {
                              return;
                            }
                            if (err != null) {
                              finished = true;
                              call.cancel("HTTP client went away", err);
                            } else {
                              call.request(1);
                            }
                          }));
        });
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    sync.execute(
        () -> {
          if (!headersSeen) {
            // A trailers-only answer: the gateway reports it as a stream error before any header
            // was written, with the gRPC code's HTTP status and no Content-Type of its own.
            headersSeen = true;
            finished = true;
            int http = GatewayStatus.httpStatus(status.getCode());
            byte[] body = status.isOk() ? new byte[0] : GatewayJson.streamErrorBody(status);
            result.complete(
                new HttpResponse.Full(
                    http, HttpHeaders.of("Content-Type", PlainText.TEXT_PLAIN), body));
            return;
          }
          if (finished || sink == null) {
            finished = true;
            return;
          }
          finished = true;
          if (status.isOk()) {
            sink.end(HttpHeaders.empty());
          } else {
            ChunkSink s = sink;
            s.write(GatewayJson.streamErrorBody(status))
                .whenComplete((v, err) -> s.end(HttpHeaders.empty()));
          }
        });
  }

  @Override
  public void cancel() {
    sync.execute(
        () -> {
          if (!finished) {
            finished = true;
            call.cancel("HTTP client went away", null);
          }
        });
  }
}
