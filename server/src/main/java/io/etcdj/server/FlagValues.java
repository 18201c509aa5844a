package io.etcdj.server;

import io.etcdj.embed.GoDuration;
import io.etcdj.embed.GoText;
import io.etcdj.embed.GoUrls;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The value types of etcd's flags: Go's built-in ones (string, bool, int, uint, duration) and the
 * ones of etcd's {@code pkg/flags} (selective string, unique URLs, unique strings, strings, uint32,
 * ignored), each refusing bad text with the error Go prints.
 *
 * <p>Threading: confined to the parsing thread.
 */
final class FlagValues {
  private FlagValues() {}

  private static final String PARSE_ERROR = "parse error";
  private static final String RANGE_ERROR = "value out of range";

  /** Go's {@code flag.StringVar}. */
  static GoFlagSet.Value string(Consumer<String> sink) {
    return sink::accept;
  }

  /** Go's {@code flag.BoolVar} ({@code strconv.ParseBool}). */
  static GoFlagSet.Value bool(Consumer<Boolean> sink) {
    return new GoFlagSet.Value() {
      @Override
      public void set(String text) {
        sink.accept(parseBool(text));
      }

      @Override
      public boolean isBool() {
        return true;
      }
    };
  }

  static boolean parseBool(String text) {
    return switch (text) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw new IllegalArgumentException(PARSE_ERROR);
    };
  }

  /** Go's {@code flag.IntVar}/{@code Int64Var} (64-bit on etcd's platforms). */
  static GoFlagSet.Value int64(Consumer<Long> sink) {
    return text -> {
      try {
        sink.accept(GoNumbers.parseInt(text, 64));
      } catch (GoNumbers.NumberException e) {
        throw new IllegalArgumentException(e.isRange() ? RANGE_ERROR : PARSE_ERROR, e);
      }
    };
  }

  /**
   * Go's {@code flag.UintVar}/{@code Uint64Var}. Values above {@code 2^63-1} are refused as out of
   * range: etcdj keeps unsigned settings in a {@code long}, and none is meaningful that large.
   */
  static GoFlagSet.Value uint64(Consumer<Long> sink) {
    return text -> {
      long v;
      try {
        v = GoNumbers.parseUint(text, 64);
      } catch (GoNumbers.NumberException e) {
        throw new IllegalArgumentException(e.isRange() ? RANGE_ERROR : PARSE_ERROR, e);
      }
      if (v < 0) {
        throw new IllegalArgumentException(RANGE_ERROR);
      }
      sink.accept(v);
    };
  }

  /** etcd's {@code flags.Uint32Value}: its error is strconv's own text, not the flag package's. */
  static GoFlagSet.Value uint32(Consumer<Long> sink) {
    return text -> {
      try {
        sink.accept(GoNumbers.parseUint(text, 32));
      } catch (GoNumbers.NumberException e) {
        throw new IllegalArgumentException(
            "strconv.ParseUint: parsing " + GoText.quote(text) + ": " + e.getMessage(), e);
      }
    };
  }

  /** Go's {@code flag.DurationVar}. */
  static GoFlagSet.Value duration(Consumer<Duration> sink) {
    return text -> {
      try {
        sink.accept(GoDuration.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PARSE_ERROR, e);
      }
    };
  }

  /** etcd's {@code flags.SelectiveStringValue}: one of a fixed set, default the first. */
  static final class Selective implements GoFlagSet.Value {
    private final Set<String> valids;
    private String value;

    Selective(String... valids) {
      this.valids = Set.of(valids);
      this.value = valids[0];
    }

    @Override
    public void set(String text) {
      if (!valids.contains(text)) {
        throw new IllegalArgumentException("invalid value");
      }
      value = text;
    }

    String get() {
      return value;
    }
  }

  /**
   * etcd's {@code flags.UniqueURLs}: a comma-separated URL list replacing the previous one, except
   * that a value already held, or one of the allowed exceptions ({@code *} for {@code --cors}), is
   * added to it instead.
   */
  static final class UniqueUrls implements GoFlagSet.Value {
    private final Set<String> allowed;
    private Set<String> values = new LinkedHashSet<>();
    private List<URI> urls = List.of();

    UniqueUrls(String initial, String... allowed) {
      this.allowed = Set.of(allowed);
      if (!initial.isEmpty()) {
        set(initial);
      }
    }

    @Override
    public void set(String text) {
      if (values.contains(text)) {
        return;
      }
      if (allowed.contains(text)) {
        values.add(text);
        return;
      }
      List<URI> parsed = GoUrls.parse(text); // IllegalArgumentException carries etcd's text
      values = new LinkedHashSet<>();
      for (URI u : parsed) {
        values.add(u.toString());
      }
      urls = parsed;
    }

    /** The URLs of the last list set (empty when only exceptions were given). */
    List<URI> urls() {
      return urls;
    }

    /** Every value held, URLs as text and exceptions, sorted. */
    Set<String> values() {
      return new TreeSet<>(values);
    }
  }

  /** etcd's {@code flags.UniqueStringsValue}: comma-separated, de-duplicated, sorted. */
  static final class UniqueStrings implements GoFlagSet.Value {
    private Set<String> values = new TreeSet<>();

    UniqueStrings(String initial) {
      if (!initial.isEmpty()) {
        set(initial);
      }
    }

    @Override
    public void set(String text) {
      values = new TreeSet<>(List.of(text.split(",", -1)));
    }

    List<String> list() {
      return List.copyOf(values);
    }

    Set<String> set() {
      return Set.copyOf(values);
    }
  }

  /** etcd's {@code flags.StringsValue}: comma-separated, kept in order. */
  static final class Strings implements GoFlagSet.Value {
    private List<String> values = List.of();

    @Override
    public void set(String text) {
      values = List.of(text.split(",", -1));
    }

    List<String> list() {
      return values;
    }
  }

  /**
   * etcd's {@code flags.IgnoredFlag}: accepted without a value for flags of etcd 2 that no longer
   * mean anything; each use is reported through {@code warn}.
   */
  static GoFlagSet.Value ignored(String name, Consumer<String> warn) {
    return new GoFlagSet.Value() {
      @Override
      public void set(String text) {
        warn.accept("flag \"-" + name + "\" is no longer supported - ignoring.");
      }

      @Override
      public boolean isBool() {
        return true;
      }
    };
  }
}
