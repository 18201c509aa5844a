package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.etcdj.etcdserver.types.GoJson;
import io.grpc.Status;

/**
 * The gateway's marshaler, {@code runtime.JSONPb{OrigName: true}}: proto field names on output,
 * proto or lowerCamelCase names on input, 64-bit integers as strings, bytes as padded standard
 * base64, enums by name, zero values omitted, unknown input fields ignored. Also the two error
 * bodies grpc-gateway v1.9.5 writes.
 *
 * <p>Stateless; safe from any thread.
 */
final class GatewayJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private GatewayJson() {}

  static Message parse(String json, Message prototype) throws InvalidProtocolBufferException {
    Message.Builder b = prototype.newBuilderForType();
    String checked = GoJsonpbCheck.check(json, prototype.getDescriptorForType());
    if (checked != null) {
      PARSER.merge(checked, b);
    }
    return b.build();
  }

  static String print(MessageOrBuilder m) {
    try {
      return unescapeGsonExtras(PRINTER.print(m));
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print; etcd's messages have none.
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName(), e);
    }
  }

  /**
   * JsonFormat escapes {@code =} and {@code '} (Gson's HTML-safe mode) where Go writes them as they
   * are; base64 padding makes {@code =} common, so undo exactly those two escapes. An escape is
   * recognised only when preceded by an even number of backslashes.
   */
  static String unescapeGsonExtras(String s) {
    if (s.indexOf("\\u003d") < 0 && s.indexOf("\\u0027") < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        if (s.startsWith("\\u003d", i)) {
          b.append('=');
          i += 6;
        } else if (s.startsWith("\\u0027", i)) {
          b.append('\'');
          i += 6;
        } else {
          b.append(c).append(s.charAt(i + 1));
          i += 2;
        }
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }

  /** {@code DefaultHTTPError}'s body: {@code {"error":m,"message":m,"code":n}}. */
  static byte[] errorBody(Status status) {
    String msg = status.getDescription() == null ? "" : status.getDescription();
    StringBuilder b = new StringBuilder("{\"error\":");
    GoJson.writeString(b, msg);
    b.append(",\"message\":");
    GoJson.writeString(b, msg);
    b.append(",\"code\":").append(status.getCode().value()).append('}');
    return b.toString().getBytes(UTF_8);
  }

  /**
   * A streaming call's error chunk ({@code streamChunk} with {@code internal.StreamError}): {@code
   * {"error":{"grpc_code":n,"http_code":h,"message":m,"http_status":t}}}, no delimiter after it.
   */
  static byte[] streamErrorBody(Status status) {
    String msg = status.getDescription() == null ? "" : status.getDescription();
    int http = GatewayStatus.httpStatus(status.getCode());
    StringBuilder b = new StringBuilder("{\"error\":{");
    if (status.getCode().value() != 0) {
      b.append("\"grpc_code\":").append(status.getCode().value()).append(',');
    }
    b.append("\"http_code\":").append(http);
    if (!msg.isEmpty()) {
      b.append(",\"message\":");
      GoJson.writeString(b, msg);
    }
    b.append(",\"http_status\":");
    GoJson.writeString(b, GatewayStatus.statusText(http));
    return b.append("}}").toString().getBytes(UTF_8);
  }

  /** One streamed message: {@code {"result":<message>}} and the {@code \n} delimiter. */
  static byte[] resultLine(MessageOrBuilder m) {
    return ("{\"result\":" + print(m) + "}\n").getBytes(UTF_8);
  }
}
