package io.etcdj.etcdhttp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ordered, immutable list of HTTP header fields whose names compare case-insensitively (Go
 * canonicalises names on the wire; §0 of the fact sheet). Names keep the spelling they were added
 * with, so a response can say {@code X-Etcd-Cluster-Id} exactly as Go does.
 *
 * <p>Immutable; safe from any thread.
 */
public final class HttpHeaders {
  private static final HttpHeaders EMPTY = new HttpHeaders(List.of());

  private final List<Field> fields;

  /** One header line. */
  public record Field(String name, String value) {}

  private HttpHeaders(List<Field> fields) {
    this.fields = fields;
  }

  public static HttpHeaders empty() {
    return EMPTY;
  }

  /** Headers from alternating names and values. */
  public static HttpHeaders of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    List<Field> l = new ArrayList<>(namesAndValues.length / 2);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      l.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
    }
    return new HttpHeaders(List.copyOf(l));
  }

  /** These headers plus one more line (an existing one of that name is kept). */
  public HttpHeaders with(String name, String value) {
    List<Field> l = new ArrayList<>(fields);
    l.add(new Field(name, value));
    return new HttpHeaders(List.copyOf(l));
  }

  /** These headers followed by {@code more}. */
  public HttpHeaders withAll(HttpHeaders more) {
    if (more.fields.isEmpty()) {
      return this;
    }
    List<Field> l = new ArrayList<>(fields);
    l.addAll(more.fields);
    return new HttpHeaders(List.copyOf(l));
  }

  /** The first value of {@code name}, or null. */
  public String get(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.value();
      }
    }
    return null;
  }

  public List<String> getAll(String name) {
    List<String> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        out.add(f.value());
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  public List<Field> fields() {
    return fields;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpHeaders h && lower().equals(h.lower());
  }

  @Override
  public int hashCode() {
    return lower().hashCode();
  }

  private List<Field> lower() {
    List<Field> l = new ArrayList<>(fields.size());
    for (Field f : fields) {
      l.add(new Field(f.name().toLowerCase(Locale.ROOT), f.value()));
    }
    return l;
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
