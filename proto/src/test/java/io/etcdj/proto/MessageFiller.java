package io.etcdj.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * Fills every field of a message with a value derived from the field's number, so that two
 * independently generated classes for the same schema can be compared after a round trip.
 */
final class MessageFiller {

  private final int maxDepth;

  MessageFiller(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  Message fill(Message.Builder builder) {
    fill(builder, 0);
    return builder.build();
  }

  private void fill(Message.Builder builder, int depth) {
    for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
      // Only the last member of a oneof survives; fill the first so every oneof gets one value.
      if (field.getRealContainingOneof() != null
          && field.getRealContainingOneof().getField(0) != field) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= maxDepth) {
        continue;
      }
      int copies = field.isRepeated() ? 2 : 1;
      for (int i = 0; i < copies; i++) {
        Object value = valueFor(builder, field, depth, i);
        if (field.isRepeated()) {
          builder.addRepeatedField(field, value);
        } else {
          builder.setField(field, value);
        }
      }
    }
  }

  private Object valueFor(Message.Builder builder, FieldDescriptor field, int depth, int copy) {
    long n = field.getNumber() * 1000L + copy + 1;
    switch (field.getJavaType()) {
      case INT:
        return (int) (field.getType() == FieldDescriptor.Type.SINT32 ? -n : n);
      case LONG:
        // Large unsigned values catch uint64-as-signed mistakes.
        return field.getType() == FieldDescriptor.Type.UINT64 ? Long.MIN_VALUE + n : n;
      case FLOAT:
        return (float) n;
      case DOUBLE:
        return (double) n;
      case BOOLEAN:
        return true;
      case STRING:
        return field.getName() + "-" + n;
      case BYTE_STRING:
        return ByteString.copyFromUtf8("\u0000" + field.getName() + n);
      case ENUM:
        EnumDescriptor type = field.getEnumType();
        return type.getValues().get(type.getValues().size() - 1);
      case MESSAGE:
        Message.Builder child = builder.newBuilderForField(field);
        fill(child, depth + 1);
        return child.build();
    }
    throw new AssertionError(field.getJavaType());
  }
}
