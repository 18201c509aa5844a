package io.etcdj.storage.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The answer of {@code unsafeRange}: parallel lists of keys and values in ascending unsigned-byte
 * key order (etcd returns the same pair of slices, {@code keys, vals}).
 *
 * <p>Immutable once returned; the byte arrays are private copies the caller may keep.
 */
public final class RangeResult {
  private static final RangeResult EMPTY = new RangeResult(List.of(), List.of());

  private final List<byte[]> keys;
  private final List<byte[]> values;

  private RangeResult(List<byte[]> keys, List<byte[]> values) {
    this.keys = keys;
    this.values = values;
  }

  static RangeResult empty() {
    return EMPTY;
  }

  static RangeResult of(byte[] key, byte[] value) {
    return new RangeResult(List.of(key), List.<byte[]>of(value));
  }

  public int size() {
    return keys.size();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public byte[] key(int i) {
    return keys.get(i);
  }

  public byte[] value(int i) {
    return values.get(i);
  }

  public List<byte[]> keys() {
    return keys;
  }

  public List<byte[]> values() {
    return values;
  }

  /** Collects a range; not thread-safe. */
  static final class Builder {
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();

    void add(byte[] key, byte[] value) {
      keys.add(key);
      values.add(value);
    }

    int size() {
      return keys.size();
    }

    RangeResult build() {
      if (keys.isEmpty()) {
        return EMPTY;
      }
      return new RangeResult(
          Collections.unmodifiableList(keys), Collections.unmodifiableList(values));
    }
  }
}
