package io.etcdj.storage.lease;

import static java.util.Objects.requireNonNull;

/**
 * One thing a lease keeps alive: a key of the key-value store (etcd {@code lease.LeaseItem}). The
 * key is held as a {@link String} exactly as etcd does ({@code string(key)} in Go), so callers
 * convert with ISO-8859-1 to keep every byte value round-tripping unchanged.
 *
 * <p>Immutable; safe to share between threads.
 */
public record LeaseItem(String key) {
  public LeaseItem {
    requireNonNull(key, "key");
  }
}
