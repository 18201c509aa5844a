package io.etcdj.storage.auth;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt as Go's {@code golang.org/x/crypto/bcrypt} does it for etcd: {@code $2a$} hashes with a
 * 16-byte salt, passwords cut to bcrypt's 72 bytes (the Go version etcd 3.4 vendors truncates
 * silently), so hashes written here verify in etcd and the other way round.
 *
 * <p>Stateless but for the injected {@link Random}; safe from any thread. Slow on purpose (cost 10
 * is tens of milliseconds): never call on an event loop.
 */
final class Passwords {
  private static final int MAX_PASSWORD_BYTES = 72;

  private Passwords() {}

  /** {@code bcrypt.GenerateFromPassword}. */
  static ByteString hash(String password, int cost, Random random) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    String h = OpenBSDBCrypt.generate("2a", bytes(password), salt, cost);
    return ByteString.copyFrom(h, StandardCharsets.US_ASCII);
  }

  /** {@code bcrypt.CompareHashAndPassword == nil}; a malformed hash never matches. */
  static boolean matches(ByteString hashed, String password) {
    try {
      return OpenBSDBCrypt.checkPassword(
          hashed.toString(StandardCharsets.US_ASCII), bytes(password));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] bytes(String password) {
    byte[] b = password.getBytes(StandardCharsets.UTF_8);
    return b.length > MAX_PASSWORD_BYTES ? Arrays.copyOf(b, MAX_PASSWORD_BYTES) : b;
  }
}
