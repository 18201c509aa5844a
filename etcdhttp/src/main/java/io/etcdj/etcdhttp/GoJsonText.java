package io.etcdj.etcdhttp;

/**
 * JSON string literals as Go's {@code encoding/json} writes them: {@code <}, {@code >}, {@code &},
 * U+2028 and U+2029 escaped as six-character unicode escapes, control characters as {@code \n},
 * {@code \r}, {@code \t} or a unicode escape. Stateless.
 */
public final class GoJsonText {
  private GoJsonText() {}

  public static void writeString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    writeString(b, s);
    return b.toString();
  }
}
