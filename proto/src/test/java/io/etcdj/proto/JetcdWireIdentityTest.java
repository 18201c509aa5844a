package io.etcdj.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our generated classes against jetcd's, which were generated from etcd's own protos: every message
 * both define must have the same fields, and bytes written by one must read back equal by the
 * other.
 */
class JetcdWireIdentityTest {

  /** jetcd's generated files, found through one message of each. */
  private static final List<FileDescriptor> THEIRS =
      List.of(
          io.etcd.jetcd.api.RangeRequest.getDescriptor().getFile(),
          io.etcd.jetcd.api.KeyValue.getDescriptor().getFile(),
          io.etcd.jetcd.api.User.getDescriptor().getFile(),
          io.etcd.jetcd.api.lock.LockRequest.getDescriptor().getFile(),
          io.etcd.jetcd.api.CampaignRequest.getDescriptor().getFile());

  private static final List<FileDescriptor> OURS =
      List.of(
          io.etcdj.proto.etcdserverpb.RangeRequest.getDescriptor().getFile(),
          io.etcdj.proto.mvccpb.KeyValue.getDescriptor().getFile(),
          io.etcdj.proto.authpb.User.getDescriptor().getFile(),
          io.etcdj.proto.v3lockpb.LockRequest.getDescriptor().getFile(),
          io.etcdj.proto.v3electionpb.CampaignRequest.getDescriptor().getFile());

  /**
   * Lease-listing and checkpoint messages exist in etcd 3.4 but jetcd leaves them out of its copy;
   * they are checked against the fact sheet elsewhere. Nothing else may be missing on their side.
   */
  private static final Set<String> ONLY_OURS =
      Set.of(
          "etcdserverpb.LeaseCheckpoint",
          "etcdserverpb.LeaseCheckpointRequest",
          "etcdserverpb.LeaseCheckpointResponse",
          "etcdserverpb.LeaseLeasesRequest",
          "etcdserverpb.LeaseLeasesResponse",
          "etcdserverpb.LeaseStatus",
          "authpb.UserAddOptions");

  @Test
  void everyMessageOfOursExistsInJetcdExceptTheKnownOmissions() {
    Map<String, Descriptor> theirs = messages(THEIRS);
    List<String> missing =
        messages(OURS).keySet().stream()
            .filter(name -> !theirs.containsKey(name))
            .collect(Collectors.toList());
    assertThat(missing).containsExactlyInAnyOrderElementsOf(ONLY_OURS);
  }

  /**
   * Fields and enum values etcd 3.4 has that jetcd's older copy of the protos lacks. Everything
   * jetcd does define must match ours exactly.
   */
  private static final Set<String> NEWER_THAN_JETCD =
      Set.of(
          "etcdserverpb.AlarmType.CORRUPT",
          "etcdserverpb.Compare.CompareTarget.LEASE",
          "etcdserverpb.Compare.lease",
          "etcdserverpb.WatchCreateRequest.watch_id",
          "etcdserverpb.WatchCreateRequest.fragment",
          "etcdserverpb.WatchResponse.fragment",
          "etcdserverpb.AuthUserAddRequest.options",
          "authpb.User.options");

  @TestFactory
  Stream<DynamicTest> sharedMessagesHaveIdenticalFields() {
    Map<String, Descriptor> theirs = messages(THEIRS);
    return messages(OURS).values().stream()
        .filter(d -> theirs.containsKey(d.getFullName()))
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.getFullName(), () -> assertSameFields(d, theirs.get(d.getFullName()))));
  }

  @Test
  void fieldsJetcdLacksAreExactlyTheKnownNewerOnes() {
    Map<String, Descriptor> theirs = messages(THEIRS);
    List<String> extra = new ArrayList<>();
    messages(OURS).values().stream()
        .filter(d -> theirs.containsKey(d.getFullName()))
        .forEach(
            d -> {
              Set<Integer> known = fieldSignatures(theirs.get(d.getFullName())).keySet();
              d.getFields().stream()
                  .filter(f -> !known.contains(f.getNumber()))
                  .forEach(f -> extra.add(f.getFullName()));
            });
    Map<String, EnumDescriptor> theirEnums = enums(THEIRS);
    enums(OURS)
        .forEach(
            (name, e) ->
                e.getValues().stream()
                    .filter(v -> theirEnums.get(name).findValueByNumber(v.getNumber()) == null)
                    .forEach(v -> extra.add(name + "." + v.getName())));
    assertThat(extra).containsExactlyInAnyOrderElementsOf(NEWER_THAN_JETCD);
  }

  @TestFactory
  Stream<DynamicTest> populatedMessagesRoundTripBetweenOursAndJetcd() {
    Map<String, Descriptor> theirs = messages(THEIRS);
    return messages(OURS).values().stream()
        .filter(d -> theirs.containsKey(d.getFullName()))
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.getFullName(), () -> assertRoundTrip(d, theirs.get(d.getFullName()))));
  }

  @Test
  void sharedEnumsHaveIdenticalValues() {
    Map<String, EnumDescriptor> theirs = enums(THEIRS);
    Map<String, EnumDescriptor> ours = enums(OURS);
    assertThat(theirs.keySet()).containsAll(ours.keySet());
    ours.forEach(
        (name, ourEnum) -> {
          Map<String, Integer> mine = enumValues(ourEnum);
          mine.keySet().removeIf(v -> NEWER_THAN_JETCD.contains(name + "." + v));
          assertThat(mine).as(name).isEqualTo(enumValues(theirs.get(name)));
        });
  }

  @Test
  void grpcMethodsAgreeWithJetcd() {
    Map<String, MethodDescriptor<?, ?>> ours =
        methods(
            io.etcdj.proto.etcdserverpb.KVGrpc.getServiceDescriptor(),
            io.etcdj.proto.etcdserverpb.WatchGrpc.getServiceDescriptor(),
            io.etcdj.proto.etcdserverpb.LeaseGrpc.getServiceDescriptor(),
            io.etcdj.proto.etcdserverpb.ClusterGrpc.getServiceDescriptor(),
            io.etcdj.proto.etcdserverpb.MaintenanceGrpc.getServiceDescriptor(),
            io.etcdj.proto.etcdserverpb.AuthGrpc.getServiceDescriptor(),
            io.etcdj.proto.v3lockpb.LockGrpc.getServiceDescriptor(),
            io.etcdj.proto.v3electionpb.ElectionGrpc.getServiceDescriptor());
    Map<String, MethodDescriptor<?, ?>> theirs =
        methods(
            io.etcd.jetcd.api.KVGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.WatchGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.LeaseGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.ClusterGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.MaintenanceGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.AuthGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.lock.LockGrpc.getServiceDescriptor(),
            io.etcd.jetcd.api.ElectionGrpc.getServiceDescriptor());

    // jetcd omits LeaseLeases and adds a Watch "Progress" method that etcd does not have.
    Map<String, MethodDescriptor<?, ?>> shared = new TreeMap<>(ours);
    shared.keySet().retainAll(theirs.keySet());
    assertThat(ours.keySet()).containsAll(shared.keySet());
    assertThat(difference(ours.keySet(), theirs.keySet()))
        .containsExactly("etcdserverpb.Lease/LeaseLeases");
    assertThat(difference(theirs.keySet(), ours.keySet()))
        .containsExactly("etcdserverpb.Watch/Progress");
    shared.forEach(
        (name, ourMethod) ->
            assertThat(ourMethod.getType()).as(name).isEqualTo(theirs.get(name).getType()));
  }

  private static List<String> difference(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).sorted().collect(Collectors.toList());
  }

  /** Every field jetcd defines is ours too, with the same number, name, type and label. */
  private static void assertSameFields(Descriptor ours, Descriptor theirs) {
    Map<Integer, String> mine = fieldSignatures(ours);
    mine.keySet().retainAll(fieldSignatures(theirs).keySet());
    assertThat(mine).isEqualTo(fieldSignatures(theirs));
  }

  /** Number → "name type label [type name] [oneof]" for each field. */
  private static Map<Integer, String> fieldSignatures(Descriptor d) {
    Map<Integer, String> out = new TreeMap<>();
    for (FieldDescriptor f : d.getFields()) {
      StringBuilder sig =
          new StringBuilder()
              .append(f.getName())
              .append(' ')
              .append(f.getType())
              .append(' ')
              .append(f.isRepeated() ? "repeated" : "singular")
              .append(f.isPacked() ? " packed" : "");
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        sig.append(' ').append(f.getMessageType().getFullName());
      } else if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        sig.append(' ').append(f.getEnumType().getFullName());
      }
      if (f.getRealContainingOneof() != null) {
        sig.append(" oneof ").append(f.getRealContainingOneof().getName());
      }
      out.put(f.getNumber(), sig.toString());
    }
    return out;
  }

  /**
   * Fills jetcd's message (its fields are a subset of ours), reads the bytes with our class and
   * back. Same text means every field arrived as a known field with the same value; an unknown
   * field would print as a bare number.
   */
  private static void assertRoundTrip(Descriptor ourType, Descriptor theirType) throws Exception {
    Message theirs = new MessageFiller(3).fill(builderFor(theirType));
    Message ours = parse(ourType, theirs.toByteArray());
    assertThat(TextFormat.printer().printToString(ours))
        .isEqualTo(TextFormat.printer().printToString(theirs));
    assertThat(ours.getUnknownFields().asMap()).isEmpty();
    Message back = parse(theirType, ours.toByteArray());
    assertThat(back).isEqualTo(theirs);
  }

  private static Message.Builder builderFor(Descriptor d) throws Exception {
    Method newBuilder = messageClass(d).getMethod("newBuilder");
    return (Message.Builder) newBuilder.invoke(null);
  }

  private static Message parse(Descriptor d, byte[] bytes) throws Exception {
    Method parseFrom = messageClass(d).getMethod("parseFrom", byte[].class);
    return (Message) parseFrom.invoke(null, (Object) bytes);
  }

  private static Class<?> messageClass(Descriptor d) throws ClassNotFoundException {
    String javaPackage = d.getFile().getOptions().getJavaPackage();
    List<String> names = new ArrayList<>();
    for (Descriptor x = d; x != null; x = x.getContainingType()) {
      names.add(0, x.getName());
    }
    return Class.forName(javaPackage + "." + String.join("$", names));
  }

  private static Map<String, Descriptor> messages(List<FileDescriptor> files) {
    Map<String, Descriptor> out = new LinkedHashMap<>();
    for (FileDescriptor f : files) {
      for (Descriptor d : f.getMessageTypes()) {
        collect(d, out);
      }
    }
    return out;
  }

  private static void collect(Descriptor d, Map<String, Descriptor> out) {
    out.put(d.getFullName(), d);
    for (Descriptor nested : d.getNestedTypes()) {
      collect(nested, out);
    }
  }

  private static Map<String, EnumDescriptor> enums(List<FileDescriptor> files) {
    Map<String, EnumDescriptor> out = new TreeMap<>();
    for (FileDescriptor f : files) {
      f.getEnumTypes().forEach(e -> out.put(e.getFullName(), e));
    }
    for (Descriptor d : messages(files).values()) {
      d.getEnumTypes().forEach(e -> out.put(e.getFullName(), e));
    }
    return out;
  }

  private static Map<String, Integer> enumValues(EnumDescriptor e) {
    Map<String, Integer> out = new TreeMap<>();
    e.getValues().forEach(v -> out.put(v.getName(), v.getNumber()));
    return out;
  }

  private static Map<String, MethodDescriptor<?, ?>> methods(ServiceDescriptor... services) {
    Map<String, MethodDescriptor<?, ?>> out = new TreeMap<>();
    for (ServiceDescriptor s : services) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        out.put(m.getFullMethodName(), m);
      }
    }
    return out;
  }
}
