package io.etcdj.etcdserver.v3rpc;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fallback registry of a member's gRPC server: a call to a method no service has is refused as
 * grpc-go's server refuses it ({@code server.go handleStream}), {@code Unimplemented} with {@code
 * unknown service <service>} or {@code unknown method <method> for service <service>}, where
 * grpc-java would say {@code Method not found: <full name>}. Clients that probe for newer APIs
 * match on these texts. Stateless; any thread.
 */
final class UnknownMethods extends HandlerRegistry {
  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private final Set<String> services;

  UnknownMethods(List<BindableService> services) {
    this.services =
        services.stream()
            .map(s -> s.bindService().getServiceDescriptor().getName())
            .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String fullMethodName, String authority) {
    String description = describe(fullMethodName);
    MethodDescriptor<InputStream, InputStream> method =
        MethodDescriptor.<InputStream, InputStream>newBuilder()
            .setType(MethodDescriptor.MethodType.UNKNOWN)
            .setFullMethodName(fullMethodName)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    ServerCallHandler<InputStream, InputStream> refuse =
        new ServerCallHandler<>() {
          @Override
          public ServerCall.Listener<InputStream> startCall(
              ServerCall<InputStream, InputStream> call, Metadata headers) {
            call.close(Status.UNIMPLEMENTED.withDescription(description), new Metadata());
            return new ServerCall.Listener<>() {};
          }
        };
    return ServerMethodDefinition.create(method, refuse);
  }

  /** grpc-go's text for a method that is not served; the leading '/' is already gone here. */
  String describe(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    if (slash < 0) {
      return "malformed method name: \"" + fullMethodName + "\"";
    }
    String service = fullMethodName.substring(0, slash);
    String method = fullMethodName.substring(slash + 1);
    return services.contains(service)
        ? "unknown method " + method + " for service " + service
        : "unknown service " + service;
  }
}
