package io.etcdj.etcdserver.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slice of Go's {@code encoding/json} that membership and the HTTP handlers need: strings
 * escaped exactly as {@code json.Marshal} does (HTML-safe, U+2028/9 escaped), and a small strict
 * parser whose values are {@code Map<String,Object>} (key order kept), {@code List<Object>}, {@code
 * String}, {@link Number} (the literal text), {@code Boolean} and {@link #NULL}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class GoJson {
  /** JSON {@code null}. */
  public static final Object NULL = new Object();

  /** A JSON number, kept as its literal text so uint64 IDs lose nothing. */
  public record Number(String literal) {}

  private GoJson() {}

  /** Appends {@code s} as a JSON string the way Go's encoder writes it. */
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
        case '<', '>', '&', '\u2028', '\u2029' -> hex(b, c);
        default -> {
          if (c < 0x20) {
            hex(b, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            b.append("\\ufffd"); // Go writes invalid UTF-8 as U+FFFD
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** {@code s} as a JSON string literal. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    writeString(b, s);
    return b.toString();
  }

  private static void hex(StringBuilder b, char c) {
    b.append("\\u");
    String h = Integer.toHexString(c);
    b.append("0".repeat(4 - h.length())).append(h);
  }

  public static void writeStrings(StringBuilder b, List<String> list) {
    b.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      writeString(b, list.get(i));
    }
    b.append(']');
  }

  /**
   * Parses one JSON document.
   *
   * @throws IllegalArgumentException on a syntax error
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.skipWs();
    Object v = p.value();
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("invalid character after top-level value");
    }
    return v;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String why) {
      return new IllegalArgumentException(why + " at offset " + pos);
    }

    void skipWs() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end of JSON input");
      }
      return s.charAt(pos);
    }

    Object value() {
      char c = peek();
      switch (c) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        case 't':
          literal("true");
          return Boolean.TRUE;
        case 'f':
          literal("false");
          return Boolean.FALSE;
        case 'n':
          literal("null");
          return NULL;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("invalid character '" + c + "' looking for beginning of value");
      }
    }

    void literal(String word) {
      if (!s.startsWith(word, pos)) {
        throw error("invalid literal");
      }
      pos += word.length();
    }

    Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      skipWs();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        skipWs();
        if (peek() != '"') {
          throw error("invalid character looking for beginning of object key string");
        }
        String k = string();
        skipWs();
        if (peek() != ':') {
          throw error("invalid character after object key");
        }
        pos++;
        skipWs();
        m.put(k, value());
        skipWs();
        char c = peek();
        pos++;
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw error("invalid character after object key:value pair");
        }
      }
    }

    List<Object> array() {
      List<Object> l = new ArrayList<>();
      pos++;
      skipWs();
      if (peek() == ']') {
        pos++;
        return l;
      }
      while (true) {
        skipWs();
        l.add(value());
        skipWs();
        char c = peek();
        pos++;
        if (c == ']') {
          return l;
        }
        if (c != ',') {
          throw error("invalid character after array element");
        }
      }
    }

    String string() {
      pos++;
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = peek();
        pos++;
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw error("invalid character in string literal");
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = peek();
        pos++;
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("invalid escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw error("invalid escape");
            }
            pos += 4;
          }
          default -> throw error("invalid escape");
        }
      }
    }

    Number number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      digits(true);
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        digits(false);
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        digits(false);
      }
      return new Number(s.substring(start, pos));
    }

    void digits(boolean integerPart) {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error("invalid character in numeric literal");
      }
      if (integerPart && pos - start > 1 && s.charAt(start) == '0') {
        throw error("invalid character after top-level value");
      }
    }
  }
}
