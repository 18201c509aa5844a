package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Map;

/**
 * What Go's {@code jsonpb} refuses before protobuf-java's {@code JsonFormat} would see the value,
 * with Go's texts: a message that is not a JSON object ({@code json: cannot unmarshal array into Go
 * value of type map[string]json.RawMessage}), a bytes field that is not a string ({@code ... into
 * Go value of type []uint8}) and a bytes string that Go's strict, padded standard base64 rejects
 * ({@code illegal base64 data at input byte N}; JsonFormat would also take unpadded and URL-safe
 * text, and so write a key etcd refuses). Other value errors keep JsonFormat's texts.
 *
 * <p>Stateless; safe from any thread.
 */
final class GoJsonpbCheck {
  private static final String MESSAGE_TYPE = "map[string]json.RawMessage";

  private GoJsonpbCheck() {}

  /**
   * Checks {@code json} (already valid JSON syntax) as a {@code type} message.
   *
   * @return the text for JsonFormat: {@code json} itself, or with the {@code \r} and {@code \n}
   *     that Go skips removed from bytes fields; null for a JSON {@code null}, which Go decodes as
   *     an empty message
   */
  static String check(String json, Descriptor type) throws InvalidProtocolBufferException {
    JsonElement root = JsonParser.parseString(json);
    if (root.isJsonNull()) {
      return null;
    }
    return message(root, type) ? root.toString() : json;
  }

  // true when a bytes field was rewritten in place
  private static boolean message(JsonElement e, Descriptor type)
      throws InvalidProtocolBufferException {
    boolean changed = false;
    if (!e.isJsonObject()) {
      throw typeError(e, MESSAGE_TYPE);
    }
    JsonObject o = e.getAsJsonObject();
    for (Map.Entry<String, JsonElement> m : o.entrySet()) {
      FieldDescriptor f = field(type, m.getKey());
      if (f == null || m.getValue().isJsonNull()) {
        continue; // unknown fields are ignored, null leaves the field unset
      }
      if (f.isRepeated() && !f.isMapField()) {
        if (!m.getValue().isJsonArray()) {
          continue; // JsonFormat's own error
        }
        JsonArray items = m.getValue().getAsJsonArray();
        for (int i = 0; i < items.size(); i++) {
          JsonElement v = value(items.get(i), f);
          if (v != null) {
            items.set(i, v);
            changed = true;
          }
        }
      } else if (!f.isMapField()) {
        JsonElement v = value(m.getValue(), f);
        if (v != null) {
          m.setValue(v);
          changed = true;
        }
      }
    }
    return changed;
  }

  // a replacement for e, or null to keep it (a nested message is rewritten in place)
  private static JsonElement value(JsonElement e, FieldDescriptor f)
      throws InvalidProtocolBufferException {
    if (e.isJsonNull()) {
      return null;
    }
    switch (f.getJavaType()) {
      case MESSAGE -> {
        if (!f.getMessageType().getFullName().startsWith("google.protobuf.")
            && message(e, f.getMessageType())) {
          return e;
        }
        return null;
      }
      case BYTE_STRING -> {
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
          throw typeError(e, "[]uint8");
        }
        String text = e.getAsString();
        int bad = GoBase64.firstIllegalByte(text.getBytes(UTF_8));
        if (bad >= 0) {
          throw new InvalidProtocolBufferException("illegal base64 data at input byte " + bad);
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
          return new JsonPrimitive(text.replace("\n", "").replace("\r", ""));
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) {
      return f;
    }
    for (FieldDescriptor c : type.getFields()) {
      if (c.getJsonName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  // encoding/json's UnmarshalTypeError text, the JSON kind named as Go names it
  private static InvalidProtocolBufferException typeError(JsonElement e, String goType) {
    String kind;
    if (e.isJsonArray()) {
      kind = "array";
    } else if (e.isJsonObject()) {
      kind = "object";
    } else {
      JsonPrimitive p = e.getAsJsonPrimitive();
      kind = p.isBoolean() ? "bool" : p.isNumber() ? "number" : "string";
    }
    return new InvalidProtocolBufferException(
        "json: cannot unmarshal " + kind + " into Go value of type " + goType);
  }
}
