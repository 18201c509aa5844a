package io.etcdj.server;

/**
 * Go's {@code strconv.ParseInt} and {@code ParseUint} with base 0, the way Go's flag package reads
 * integers: {@code 0x}/{@code 0o}/{@code 0b} prefixes, a leading {@code 0} for octal, and {@code _}
 * between digits.
 *
 * <p>Threading: stateless.
 */
final class GoNumbers {
  private GoNumbers() {}

  /** Why a number was refused: Go's {@code ErrSyntax} or {@code ErrRange}. */
  static final class NumberException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean range;

    NumberException(boolean range) {
      super(range ? "value out of range" : "invalid syntax");
      this.range = range;
    }

    boolean isRange() {
      return range;
    }
  }

  /**
   * {@code strconv.ParseUint(s, 0, bits)}; the result's bits are the unsigned value (a 64-bit value
   * above {@link Long#MAX_VALUE} comes back negative).
   */
  static long parseUint(String s, int bits) throws NumberException {
    if (s.isEmpty()) {
      throw new NumberException(false);
    }
    int base = 10;
    int i = 0;
    if (s.charAt(0) == '0') {
      char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
      if (p == 'x' || p == 'o' || p == 'b') {
        base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        i = 2;
      } else {
        base = 8;
        i = 1;
      }
    }
    long max = bits == 64 ? -1L : (1L << bits) - 1; // unsigned
    boolean underscores = false;
    long n = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') {
        underscores = true;
        continue;
      }
      int d = Character.digit(c, 36);
      if (d < 0 || d >= base || c > 'z') {
        throw new NumberException(false);
      }
      // n * base + d must stay within max (unsigned arithmetic).
      if (Long.compareUnsigned(n, Long.divideUnsigned(max - d, base)) > 0) {
        throw new NumberException(true);
      }
      n = n * base + d;
    }
    if (underscores && !underscoresBetweenDigits(s)) {
      throw new NumberException(false);
    }
    return n;
  }

  /** {@code strconv.ParseInt(s, 0, bits)}. */
  static long parseInt(String s, int bits) throws NumberException {
    if (s.isEmpty()) {
      throw new NumberException(false);
    }
    boolean neg = false;
    String digits = s;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      digits = s.substring(1);
    }
    long u = parseUint(digits, 64);
    long limit = 1L << (bits - 1); // as unsigned: 2^(bits-1)
    if (!neg && Long.compareUnsigned(u, limit) >= 0) {
      throw new NumberException(true);
    }
    if (neg && Long.compareUnsigned(u, limit) > 0) {
      throw new NumberException(true);
    }
    return neg ? -u : u;
  }

  // Go allows '_' only as a separator: after a digit or the base prefix, and before a digit.
  private static boolean underscoresBetweenDigits(String s) {
    int start = s.length() >= 2 && s.charAt(0) == '0' && isPrefix(s.charAt(1)) ? 2 : 0;
    boolean hex = start == 2 && Character.toLowerCase(s.charAt(1)) == 'x';
    boolean prevDigit = start == 2; // the prefix counts as a digit
    boolean prevUnderscore = false;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean digit = (c >= '0' && c <= '9') || (hex && Character.digit(c, 16) >= 0 && c < 'g');
      if (c == '_') {
        if (!prevDigit) {
          return false;
        }
        prevUnderscore = true;
        prevDigit = false;
      } else {
        if (prevUnderscore && !digit) {
          return false;
        }
        prevUnderscore = false;
        prevDigit = digit;
      }
    }
    return !prevUnderscore;
  }

  private static boolean isPrefix(char c) {
    char l = Character.toLowerCase(c);
    return l == 'x' || l == 'o' || l == 'b';
  }
}
