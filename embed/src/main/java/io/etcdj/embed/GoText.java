package io.etcdj.embed;

import java.util.List;

/**
 * Go's {@code %q} verb, so error texts quote values exactly as etcd's do.
 *
 * <p>Threading: stateless.
 */
public final class GoText {
  private GoText() {}

  /** {@code strconv.Quote}: double quotes, backslash escapes for quotes and control bytes. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0b -> sb.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", c));
          } else if (!Character.isDefined(c) || Character.getType(c) == Character.FORMAT) {
            sb.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
          } else {
            sb.appendCodePoint(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** {@code %q} of a {@code []string}: {@code ["a" "b"]}. */
  public static String quoteList(List<String> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(quote(values.get(i)));
    }
    return sb.append(']').toString();
  }
}
