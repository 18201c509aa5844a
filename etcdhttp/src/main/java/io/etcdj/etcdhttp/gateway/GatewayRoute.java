package io.etcdj.etcdhttp.gateway;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;

/**
 * One gateway path and the gRPC method it forwards to, with the message prototypes used to parse
 * requests and print responses.
 */
record GatewayRoute(
    String path,
    MethodDescriptor<Message, Message> method,
    Message requestPrototype,
    Message responsePrototype) {

  boolean clientStreaming() {
    return !method.getType().clientSendsOneMessage();
  }

  boolean serverStreaming() {
    return !method.getType().serverSendsOneMessage();
  }
}
