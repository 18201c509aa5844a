package io.etcdj.storage.auth;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * How the auth store hashes passwords and keeps simple tokens.
 *
 * @param bcryptCost {@code --bcrypt-cost}; outside bcrypt's 4..31 etcd falls back to 10 with a
 *     warning, and so does {@link AuthStore#open}
 * @param tokenTtl {@code --auth-token-ttl}: how long a simple token lives unused (etcd: 300 s)
 * @param nanoClock monotonic nanoseconds for token expiry
 * @param random the source of token prefixes and bcrypt salts (etcd uses crypto/rand)
 */
public record AuthStoreConfig(
    int bcryptCost, Duration tokenTtl, LongSupplier nanoClock, Random random) {
  /** {@code bcrypt.DefaultCost}. */
  public static final int DEFAULT_BCRYPT_COST = 10;

  /** {@code bcrypt.MinCost}. */
  public static final int MIN_BCRYPT_COST = 4;

  /** {@code bcrypt.MaxCost}. */
  public static final int MAX_BCRYPT_COST = 31;

  /** {@code --auth-token-ttl} default (and {@code simpleTokenTTLDefault}). */
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(300);

  public AuthStoreConfig {
    requireNonNull(tokenTtl, "tokenTtl");
    requireNonNull(nanoClock, "nanoClock");
    requireNonNull(random, "random");
  }

  /** etcd's defaults: cost 10, 300 s tokens, the system clock and a {@link SecureRandom}. */
  public static AuthStoreConfig defaults() {
    return new AuthStoreConfig(
        DEFAULT_BCRYPT_COST, DEFAULT_TOKEN_TTL, System::nanoTime, new SecureRandom());
  }

  public AuthStoreConfig withBcryptCost(int cost) {
    return new AuthStoreConfig(cost, tokenTtl, nanoClock, random);
  }

  public AuthStoreConfig withTokenTtl(Duration ttl) {
    return new AuthStoreConfig(bcryptCost, ttl, nanoClock, random);
  }

  public AuthStoreConfig withClock(LongSupplier clock, Random rnd) {
    return new AuthStoreConfig(bcryptCost, tokenTtl, clock, rnd);
  }
}
