package io.etcdj.server;

import io.etcdj.embed.GoText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A command line parsed with the rules of Go's {@code flag} package, which etcd 3.4's {@code
 * etcdmain} uses: {@code -name} and {@code --name} are the same flag; a value follows as {@code
 * --name=v} or as the next argument (whatever it looks like); a bool flag takes a value only as
 * {@code --flag=v}; parsing stops at the first argument that is not a flag, and after {@code --}; a
 * flag may repeat, the value type decides what repeating means. Error texts are Go's.
 *
 * <p>picocli cannot be bent into these rules (it consumes {@code --flag false} for booleans,
 * refuses an option-looking value such as {@code --name --debug}, and has its own error texts), so
 * the command line is parsed here instead.
 *
 * <p>Threading: confined to the thread that builds and parses it.
 */
final class GoFlagSet {

  /** A flag's value; {@link #set} parses the text and stores it, as Go's {@code flag.Value}. */
  interface Value {
    /**
     * Parses and stores {@code text}.
     *
     * @throws IllegalArgumentException whose message is the Go error text ({@code parse error})
     */
    void set(String text);

    /** Go's {@code boolFlag}: the flag may be given without a value, meaning {@code true}. */
    default boolean isBool() {
      return false;
    }
  }

  /** A command line Go's flag package refuses; the message is the line it prints. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  /** {@code -h}, {@code -help} or {@code --help} when no such flag is defined (Go's ErrHelp). */
  static final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("flag: help requested");
    }
  }

  // Sorted: Go's VisitAll walks flags in lexical order, and etcd's env lookup inherits that order.
  private final Map<String, Value> formal = new TreeMap<>();
  private final Set<String> actual = new LinkedHashSet<>();
  private List<String> rest = List.of();

  /** Defines a flag; a second definition of one name is a programming error, as in Go. */
  void define(String name, Value value) {
    if (formal.putIfAbsent(name, value) != null) {
      throw new IllegalStateException("flag redefined: " + name);
    }
  }

  /** Parses {@code args}; on success {@link #args()} holds what follows the flags. */
  void parse(List<String> args) throws ParseException, HelpRequested {
    int i = 0;
    while (i < args.size()) {
      String s = args.get(i);
      if (s.length() < 2 || s.charAt(0) != '-') {
        break;
      }
      int dashes = 1;
      if (s.charAt(1) == '-') {
        dashes = 2;
        if (s.length() == 2) {
          i++; // "--" ends the flags and is dropped
          break;
        }
      }
      String name = s.substring(dashes);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        throw new ParseException("bad flag syntax: " + s);
      }
      i++;
      String value = null;
      int eq = name.indexOf('=', 1);
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Value flag = formal.get(name);
      if (flag == null) {
        if (name.equals("help") || name.equals("h")) {
          throw new HelpRequested();
        }
        throw new ParseException("flag provided but not defined: -" + name);
      }
      if (flag.isBool()) {
        String v = value == null ? "true" : value;
        try {
          flag.set(v);
        } catch (IllegalArgumentException e) {
          throw new ParseException(
              value == null
                  ? "invalid boolean flag " + name + ": " + e.getMessage()
                  : "invalid boolean value "
                      + GoText.quote(v)
                      + " for -"
                      + name
                      + ": "
                      + e.getMessage());
        }
      } else {
        if (value == null) {
          if (i >= args.size()) {
            throw new ParseException("flag needs an argument: -" + name);
          }
          value = args.get(i++);
        }
        try {
          flag.set(value);
        } catch (IllegalArgumentException e) {
          throw new ParseException(
              "invalid value "
                  + GoText.quote(value)
                  + " for flag -"
                  + name
                  + ": "
                  + e.getMessage());
        }
      }
      actual.add(name);
    }
    rest = List.copyOf(args.subList(i, args.size()));
  }

  /** The arguments after the flags. */
  List<String> args() {
    return rest;
  }

  /** True when the command line (or {@link #set}) gave the flag a value; Go's {@code Visit}. */
  boolean isSet(String name) {
    return actual.contains(name);
  }

  /** Names set so far, in the order first set. */
  Set<String> setNames() {
    return Collections.unmodifiableSet(actual);
  }

  /** All defined names in Go's VisitAll order (lexical). */
  List<String> names() {
    return new ArrayList<>(formal.keySet());
  }

  /**
   * Go's {@code FlagSet.Set}: sets a flag by name as if it had been given.
   *
   * @throws IllegalArgumentException with the value's error text
   */
  void set(String name, String value) {
    Value flag = formal.get(name);
    if (flag == null) {
      throw new IllegalArgumentException("no such flag -" + name);
    }
    flag.set(value);
    actual.add(name);
  }
}
