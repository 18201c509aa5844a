package io.etcdj.transport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A tiny gRPC service over raw bytes, so transport tests need no generated stubs. */
public final class TestGrpc {
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static final MethodDescriptor<byte[], byte[]> ECHO = unary("Echo");
  public static final MethodDescriptor<byte[], byte[]> HOLD = unary("Hold");

  private TestGrpc() {}

  private static MethodDescriptor<byte[], byte[]> unary(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("etcdj.test.Echo/" + name)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** Echo answers at once; Hold answers when {@code release} completes (with its value). */
  public static ServerServiceDefinition service(Function<byte[], CompletableFuture<byte[]>> hold) {
    return ServerServiceDefinition.builder("etcdj.test.Echo")
        .addMethod(
            ECHO,
            ServerCalls.asyncUnaryCall(
                (byte[] req, StreamObserver<byte[]> out) -> {
                  out.onNext(req);
                  out.onCompleted();
                }))
        .addMethod(
            HOLD,
            ServerCalls.asyncUnaryCall(
                (byte[] req, StreamObserver<byte[]> out) ->
                    hold.apply(req)
                        .whenComplete(
                            (v, e) -> {
                              if (e != null) {
                                out.onError(e);
                              } else {
                                out.onNext(v);
                                out.onCompleted();
                              }
                            })))
        .build();
  }

  public static ServerServiceDefinition echoOnly() {
    return service(req -> CompletableFuture.completedFuture(req));
  }

  public static byte[] call(Channel ch, MethodDescriptor<byte[], byte[]> m, byte[] req) {
    return ClientCalls.blockingUnaryCall(
        ch, m, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), req);
  }
}
