package io.etcdj.storage.auth;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * etcd's simple token provider ({@code auth/simple_token.go}): a token is 16 random ASCII letters,
 * a dot, and the raft index of the Authenticate entry that assigned it; it lives {@code ttl} from
 * its last use. Tokens exist only while auth is enabled; disabling drops them all, and deleting a
 * user or changing its password drops that user's. Expiry is checked when a token is used (etcd
 * sweeps once a second; a use in the second after expiry is the only difference) and expired tokens
 * are swept on each assignment.
 *
 * <p>Thread-safe: assignment runs on the apply thread, lookups on request threads.
 */
final class SimpleTokens {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final int LENGTH = 16;

  private final LongSupplier nanoClock;
  private final Random random;
  private final long ttlNanos;
  private final Map<String, Entry> tokens = new HashMap<>();
  private boolean enabled;

  SimpleTokens(LongSupplier nanoClock, Random random, long ttlNanos) {
    this.nanoClock = nanoClock;
    this.random = random;
    this.ttlNanos = ttlNanos;
  }

  private static final class Entry {
    final String user;
    long expiresAt;

    Entry(String user, long expiresAt) {
      this.user = user;
      this.expiresAt = expiresAt;
    }
  }

  /** {@code genTokenPrefix}. */
  String genPrefix() {
    char[] c = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      c[i] = LETTERS.charAt(random.nextInt(LETTERS.length()));
    }
    return new String(c);
  }

  synchronized void enable() {
    enabled = true;
  }

  /** {@code disable}: invalidates every token. */
  synchronized void disable() {
    enabled = false;
    tokens.clear();
  }

  /** {@code assign}: {@code prefix.index} for {@code user}; a no-op while disabled. */
  synchronized String assign(String user, String prefix, long index) {
    String token = prefix + "." + index;
    if (!enabled) {
      return token;
    }
    long now = nanoClock.getAsLong();
    for (Iterator<Entry> it = tokens.values().iterator(); it.hasNext(); ) {
      if (now - it.next().expiresAt > 0) {
        it.remove();
      }
    }
    if (tokens.containsKey(token)) {
      throw new IllegalStateException("failed to assign already-used simple token to a user");
    }
    tokens.put(token, new Entry(user, now + ttlNanos));
    return token;
  }

  /** {@code info}: the token's user (renewing the token), or null if unknown or expired. */
  synchronized @Nullable String user(String token) {
    if (!wellFormed(token)) {
      return null;
    }
    Entry e = tokens.get(token);
    if (e == null) {
      return null;
    }
    long now = nanoClock.getAsLong();
    if (now - e.expiresAt > 0) {
      tokens.remove(token);
      return null;
    }
    e.expiresAt = now + ttlNanos;
    return e.user;
  }

  /** {@code invalidateUser}. */
  synchronized void invalidateUser(String user) {
    tokens.values().removeIf(e -> e.user.equals(user));
  }

  /** {@code isValidSimpleToken}'s syntax part: two dot-separated parts, the second an integer. */
  static boolean wellFormed(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 2) {
      return false;
    }
    try {
      Long.parseLong(parts[1]);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
