package io.etcdj.etcdserver.types;

/**
 * Member, cluster and request IDs as etcd prints and parses them ({@code pkg/types/id.go}). IDs are
 * unsigned 64-bit values held in a {@code long}; compare them with {@link Long#compareUnsigned}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Ids {
  private Ids() {}

  /**
   * {@code types.ID.String()}: lowercase hex without leading zeros or {@code 0x}, e.g. {@code
   * 8e9e05c52164694d}. This is the form in peer headers, paths, logs and the v2 store keys.
   */
  public static String toHex(long id) {
    return Long.toHexString(id);
  }

  /**
   * {@code types.IDFromString}: base-16 {@code strconv.ParseUint}. Like Go, no sign and no {@code
   * 0x} prefix are accepted; upper-case digits are.
   *
   * @throws NumberFormatException with Go's {@code strconv.ParseUint} text when {@code s} is not a
   *     hex number that fits 64 bits
   */
  public static long parseHex(String s) {
    return parseUnsigned(s, 16);
  }

  /**
   * Base-10 {@code strconv.ParseUint(s, 10, 64)}, as used for the {@code /members/promote/<id>}
   * path and for IDs in member JSON.
   */
  public static long parseDecimal(String s) {
    return parseUnsigned(s, 10);
  }

  /** The unsigned decimal text, as IDs appear in JSON numbers. */
  public static String toDecimal(long id) {
    return Long.toUnsignedString(id);
  }

  private static long parseUnsigned(String s, int radix) {
    // Java accepts a leading '+', Go does not.
    if (s.isEmpty() || s.charAt(0) == '+') {
      throw new NumberFormatException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
    }
    try {
      return Long.parseUnsignedLong(s, radix);
    } catch (NumberFormatException e) {
      boolean allDigits = s.chars().allMatch(c -> Character.digit(c, radix) >= 0 && c < 128);
      String why = allDigits ? "value out of range" : "invalid syntax";
      throw new NumberFormatException("strconv.ParseUint: parsing \"" + s + "\": " + why);
    }
  }
}
