package io.etcdj.transport.tls;

import java.util.List;
import java.util.stream.Collectors;

/** Go's {@code %q} and {@code %v} renderings, so error texts match etcd's byte for byte. */
final class GoText {
  private GoText() {}

  /** Go's {@code %q} of a string (ASCII inputs; other characters are passed through). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Go's {@code %q} of a {@code []string}: {@code ["a" "b"]}. */
  static String quoteList(List<String> l) {
    return l.stream().map(GoText::quote).collect(Collectors.joining(" ", "[", "]"));
  }

  /** Go's {@code %v} of a {@code []string}: {@code [a b]}. */
  static String list(List<String> l) {
    return String.join(" ", l).transform(s -> "[" + s + "]");
  }

  /** Go's {@code %x} of a byte slice: two lower-case hex digits per byte. */
  static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 2);
    for (byte x : bytes) {
      b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return b.toString();
  }
}
