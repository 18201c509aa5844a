package io.etcdj.etcdhttp.gateway;

import java.nio.charset.StandardCharsets;

/**
 * Reads consecutive JSON values from a request body the way Go's {@code json.Decoder.Decode} does
 * (the gateway reads one message per {@code Decode}; a streaming call's body may hold several).
 * Only the syntax is checked here; the value text is then parsed into a message. Error texts are
 * Go's {@code encoding/json} syntax errors ({@code unexpected EOF}, {@code invalid character 'g'
 * looking for beginning of value}).
 *
 * <p>Not thread-safe: one reader per request, used by one thread at a time.
 */
final class JsonValues {
  private final byte[] in;
  private int pos;

  JsonValues(byte[] in) {
    this.in = in;
  }

  /** The text of the next value, or null at the end of the body (Go's {@code io.EOF}). */
  String next() throws JsonSyntaxException {
    skipSpace();
    if (pos >= in.length) {
      return null;
    }
    int start = pos;
    value();
    return new String(in, start, pos - start, StandardCharsets.UTF_8);
  }

  /** Go's {@code *json.SyntaxError} (or {@code io.ErrUnexpectedEOF}), by its message. */
  static final class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonSyntaxException(String message) {
      super(message);
    }
  }

  private void skipSpace() {
    while (pos < in.length) {
      byte c = in[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        return;
      }
    }
  }

  private int peek() throws JsonSyntaxException {
    if (pos >= in.length) {
      throw new JsonSyntaxException("unexpected EOF");
    }
    return in[pos] & 0xff;
  }

  private JsonSyntaxException invalid(int c, String context) {
    return new JsonSyntaxException("invalid character " + quoteChar(c) + " " + context);
  }

  /** Go's {@code quoteChar}. */
  private static String quoteChar(int c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    if (c < 0x20 || c >= 0x7f) {
      return switch (c) {
        case '\n' -> "'\\n'";
        case '\r' -> "'\\r'";
        case '\t' -> "'\\t'";
        default -> c < 0x80 ? String.format("'\\x%02x'", c) : "'" + (char) c + "'";
      };
    }
    return "'" + (char) c + "'";
  }

  private void value() throws JsonSyntaxException {
    skipSpace();
    int c = peek();
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw invalid(c, "looking for beginning of value");
        }
      }
    }
  }

  private void object() throws JsonSyntaxException {
    pos++; // {
    skipSpace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      skipSpace();
      int c = peek();
      if (c != '"') {
        throw invalid(c, "looking for beginning of object key string");
      }
      string();
      skipSpace();
      c = peek();
      if (c != ':') {
        throw invalid(c, "after object key");
      }
      pos++;
      value();
      skipSpace();
      c = peek();
      pos++;
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after object key:value pair");
      }
    }
  }

  private void array() throws JsonSyntaxException {
    pos++; // [
    skipSpace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      value();
      skipSpace();
      int c = peek();
      pos++;
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after array element");
      }
    }
  }

  private void string() throws JsonSyntaxException {
    pos++; // "
    while (true) {
      int c = peek();
      pos++;
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw invalid(c, "in string literal");
      }
      if (c == '\\') {
        int e = peek();
        pos++;
        if (e == 'u') {
          for (int i = 0; i < 4; i++) {
            int h = peek();
            if (Character.digit(h, 16) < 0) {
              throw invalid(h, "in \\u hexadecimal character escape");
            }
            pos++;
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw invalid(e, "in string escape code");
        }
      }
    }
  }

  private void literal(String word) throws JsonSyntaxException {
    for (int i = 0; i < word.length(); i++) {
      int c = peek();
      if (c != word.charAt(i)) {
        throw invalid(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
      }
      pos++;
    }
  }

  private void number() throws JsonSyntaxException {
    if (peek() == '-') {
      pos++;
    }
    int c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw invalid(c, "in numeric literal");
    }
    if (pos < in.length && in[pos] == '.') {
      pos++;
      c = peek();
      if (c < '0' || c > '9') {
        throw invalid(c, "after decimal point in numeric literal");
      }
      digits();
    }
    if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
      pos++;
      c = peek();
      if (c == '+' || c == '-') {
        pos++;
        c = peek();
      }
      if (c < '0' || c > '9') {
        throw invalid(c, "in exponent of numeric literal");
      }
      digits();
    }
  }

  private void digits() {
    while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
  }
}
