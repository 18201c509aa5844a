package io.etcdj.etcdhttp.gateway;

import com.google.protobuf.Message;
import io.etcdj.etcdhttp.HttpResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;

/**
 * One unary gateway call. The gRPC listener runs on the channel's executor; the future completes
 * there.
 */
final class GatewayUnary extends ClientCall.Listener<Message> {
  private final ClientCall<Message, Message> call;
  private final Metadata headers;
  private final Message request;
  private final CompletableFuture<HttpResponse> result = new CompletableFuture<>();
  private Message response; // written and read on the listener's serialised callbacks only

  GatewayUnary(ClientCall<Message, Message> call, Metadata headers, Message request) {
    this.call = call;
    this.headers = headers;
    this.request = request;
  }

  CompletableFuture<HttpResponse> start() {
    try {
      call.start(this, headers);
      call.request(2);
      call.sendMessage(request);
      call.halfClose();
    } catch (RuntimeException e) {
      call.cancel("gateway failed to send", e);
      throw e;
    }
    // Cancelling the answer (the HTTP client went away) cancels the call, as the request context
    // does in grpc-gateway.
    result.whenComplete(
        (r, err) -> {
          if (result.isCancelled()) {
            call.cancel("HTTP client went away", null);
          }
        });
    return result;
  }

  @Override
  public void onMessage(Message message) {
    response = message;
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    if (!status.isOk()) {
      result.complete(GrpcGateway.errorResponse(status, true));
    } else if (response == null) {
      result.complete(
          GrpcGateway.errorResponse(
              Status.INTERNAL.withDescription("No response received for unary call"), true));
    } else {
      result.complete(GrpcGateway.ok(response));
    }
  }
}
