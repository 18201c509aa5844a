package io.etcdj.etcdhttp.gateway;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.etcdj.proto.etcdserverpb.AuthGrpc;
import io.etcdj.proto.etcdserverpb.ClusterGrpc;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.WatchGrpc;
import io.etcdj.proto.v3electionpb.ElectionGrpc;
import io.etcdj.proto.v3lockpb.LockGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's path table, read from the {@code google.api.http} options etcd's protos carry (the
 * same source {@code rpc.pb.gw.go} is generated from): every {@code post} binding and its {@code
 * additional_bindings}. Where two methods declare one path ({@code Hash} and {@code HashKV} on
 * {@code /v3/maintenance/hash}) the one declared first answers, as etcd 3.4.23 does (observed).
 *
 * <p>Immutable once built; safe from any thread.
 */
final class GatewayRoutes {
  private final Map<String, GatewayRoute> byPath;

  private GatewayRoutes(Map<String, GatewayRoute> byPath) {
    this.byPath = byPath;
  }

  /** The table for every service etcd 3.4's gateway registers. */
  static GatewayRoutes etcd() {
    return of(
        List.of(
            KVGrpc.getServiceDescriptor(),
            WatchGrpc.getServiceDescriptor(),
            LeaseGrpc.getServiceDescriptor(),
            ClusterGrpc.getServiceDescriptor(),
            MaintenanceGrpc.getServiceDescriptor(),
            AuthGrpc.getServiceDescriptor(),
            LockGrpc.getServiceDescriptor(),
            ElectionGrpc.getServiceDescriptor()));
  }

  @SuppressWarnings("unchecked") // the generated stubs' marshallers are protobuf marshallers
  static GatewayRoutes of(List<ServiceDescriptor> services) {
    Map<String, GatewayRoute> m = new LinkedHashMap<>();
    for (ServiceDescriptor sd : services) {
      for (MethodDescriptor<?, ?> md : sd.getMethods()) {
        MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) md;
        Descriptors.MethodDescriptor proto =
            ((ProtoMethodDescriptorSupplier) md.getSchemaDescriptor()).getMethodDescriptor();
        HttpRule rule = proto.getOptions().getExtension(AnnotationsProto.http);
        Message req = prototype(method.getRequestMarshaller());
        Message resp = prototype(method.getResponseMarshaller());
        add(m, rule, method, req, resp);
        for (HttpRule extra : rule.getAdditionalBindingsList()) {
          add(m, extra, method, req, resp);
        }
      }
    }
    return new GatewayRoutes(Map.copyOf(m));
  }

  private static void add(
      Map<String, GatewayRoute> m,
      HttpRule rule,
      MethodDescriptor<Message, Message> method,
      Message req,
      Message resp) {
    if (rule.getPatternCase() != HttpRule.PatternCase.POST) {
      return;
    }
    m.putIfAbsent(rule.getPost(), new GatewayRoute(rule.getPost(), method, req, resp));
  }

  private static Message prototype(MethodDescriptor.Marshaller<Message> marshaller) {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<Message> p) {
      return p.getMessagePrototype();
    }
    throw new IllegalArgumentException("not a protobuf marshaller: " + marshaller);
  }

  /** The route for {@code path} (already rewritten from {@code /v3beta}), or null. */
  GatewayRoute find(String path) {
    return byPath.get(path);
  }

  Map<String, GatewayRoute> all() {
    return byPath;
  }
}
