package io.etcdj.etcdhttp.gateway;

/**
 * Go's {@code base64.StdEncoding} acceptance: the standard alphabet, padding required, {@code \r}
 * and {@code \n} skipped anywhere, nothing after the padding. Only the verdict and the offset Go's
 * {@code CorruptInputError} reports are computed; decoding is left to JsonFormat.
 *
 * <p>Stateless; safe from any thread.
 */
final class GoBase64 {
  private GoBase64() {}

  /** The offset Go reports for {@code src}, or -1 when Go accepts it. */
  static int firstIllegalByte(byte[] src) {
    int i = 0;
    while (true) {
      // one quantum: up to four significant characters
      int have = 0;
      while (have < 4) {
        if (i == src.length) {
          // a partial quantum at the end: padding was required
          return have == 0 ? -1 : i - have;
        }
        byte c = src[i++];
        if (alphabet(c)) {
          have++;
          continue;
        }
        if (c == '\n' || c == '\r') {
          continue;
        }
        if (c != '=' || have < 2) {
          return i - 1;
        }
        if (have == 2) {
          // "==" expected: the second '=' may follow newlines
          i = skipNewlines(src, i);
          if (i == src.length) {
            return src.length;
          }
          if (src[i] != '=') {
            return i - 1;
          }
          i++;
        }
        i = skipNewlines(src, i);
        return i < src.length ? i : -1;
      }
    }
  }

  private static int skipNewlines(byte[] src, int i) {
    while (i < src.length && (src[i] == '\n' || src[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static boolean alphabet(byte c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/';
  }
}
