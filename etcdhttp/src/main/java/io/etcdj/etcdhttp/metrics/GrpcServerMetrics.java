package io.etcdj.etcdhttp.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * go-grpc-prometheus' server interceptors as etcd 3.4 installs them ({@code v3rpc/grpc.go}): {@code
 * grpc_server_started_total}, {@code grpc_server_handled_total} (by the status code's Go name),
 * {@code grpc_server_msg_received_total} and {@code grpc_server_msg_sent_total}, labelled with the
 * method's type, service and name. A call the client cancels is handled {@code Canceled}. {@link
 * #preRegister} makes every series of the server's methods visible at 0, as {@code
 * grpc_prometheus.Register(server)} does.
 *
 * <p>Thread-safe: any call thread.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
  private final EtcdMetrics metrics;

  public GrpcServerMetrics(EtcdMetrics metrics) {
    this.metrics = metrics;
  }

  /** Every method's series at 0, with every status code for handled. */
  public void preRegister(List<ServerServiceDefinition> services) {
    for (ServerServiceDefinition s : services) {
      for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
        MethodDescriptor<?, ?> d = m.getMethodDescriptor();
        String type = grpcType(d.getType());
        String service = d.getServiceName();
        String method = d.getBareMethodName();
        metrics.grpcStarted(type, service, method);
        metrics.grpcMsgReceived(type, service, method);
        metrics.grpcMsgSent(type, service, method);
        for (Status.Code c : Status.Code.values()) {
          metrics.grpcHandled(type, service, method, goName(c));
        }
      }
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> d = call.getMethodDescriptor();
    String type = grpcType(d.getType());
    String service = d.getServiceName();
    String method = d.getBareMethodName();
    metrics.grpcStarted(type, service, method).inc();
    AtomicBoolean handled = new AtomicBoolean();
    ServerCall<Q, R> counting =
        new SimpleForwardingServerCall<Q, R>(call) {
          @Override
          public void sendMessage(R message) {
            super.sendMessage(message);
            metrics.grpcMsgSent(type, service, method).inc();
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (handled.compareAndSet(false, true)) {
              metrics.grpcHandled(type, service, method, goName(status.getCode())).inc();
            }
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener = next.startCall(counting, headers);
    return new SimpleForwardingServerCallListener<Q>(listener) {
      @Override
      public void onMessage(Q message) {
        metrics.grpcMsgReceived(type, service, method).inc();
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        if (handled.compareAndSet(false, true)) {
          metrics.grpcHandled(type, service, method, goName(Status.Code.CANCELLED)).inc();
        }
        super.onCancel();
      }
    };
  }

  /** go-grpc-prometheus' {@code grpc_type}. */
  static String grpcType(MethodDescriptor.MethodType t) {
    return switch (t) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING, UNKNOWN -> "bidi_stream";
    };
  }

  /** Go's {@code codes.Code.String()}. */
  static String goName(Status.Code c) {
    return switch (c) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      case UNKNOWN -> "Unknown";
      case INVALID_ARGUMENT -> "InvalidArgument";
      case DEADLINE_EXCEEDED -> "DeadlineExceeded";
      case NOT_FOUND -> "NotFound";
      case ALREADY_EXISTS -> "AlreadyExists";
      case PERMISSION_DENIED -> "PermissionDenied";
      case RESOURCE_EXHAUSTED -> "ResourceExhausted";
      case FAILED_PRECONDITION -> "FailedPrecondition";
      case ABORTED -> "Aborted";
      case OUT_OF_RANGE -> "OutOfRange";
      case UNIMPLEMENTED -> "Unimplemented";
      case INTERNAL -> "Internal";
      case UNAVAILABLE -> "Unavailable";
      case DATA_LOSS -> "DataLoss";
      case UNAUTHENTICATED -> "Unauthenticated";
    };
  }
}
