package io.etcdj.storage.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The JDK-backed running CRC against a plain bitwise CRC-32C written here from the definition
 * (Castagnoli polynomial, reflected, all-ones start and final xor), the form Go's {@code
 * crc32.Update(prev, castagnoliTable, p)} computes.
 */
class Crc32cTest {
  /** Go's crc32.Update with the Castagnoli table, one bit at a time. */
  private static int reference(int prev, byte[] data) {
    int c = ~prev;
    for (byte b : data) {
      c ^= b & 0xff;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
      }
    }
    return ~c;
  }

  @Test
  void continuesFromAnySeedLikeGo() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 2000; i++) {
      int seed = i < 4 ? new int[] {0, 1, -1, 0x80000000}[i] : rnd.nextInt();
      byte[] b = new byte[rnd.nextInt(200)];
      rnd.nextBytes(b);
      assertThat(Crc32c.update(seed, b)).as("seed %08x", seed).isEqualTo(reference(seed, b));
      assertThat(new Crc32c(seed).value()).isEqualTo(seed);
    }
  }

  @Test
  void runningInstanceOverByteStringsEqualsOnePass() {
    SplittableRandom rnd = new SplittableRandom(5);
    byte[] all = new byte[3000];
    rnd.nextBytes(all);
    int seed = 0x1234abcd;
    Crc32c running = new Crc32c(seed);
    // A literal, a bounded substring and a rope, fed in turn.
    running.update(ByteString.copyFrom(all, 0, 1000));
    running.update(ByteString.copyFrom(all).substring(1000, 1500));
    running.update(ByteString.copyFrom(all, 1500, 700).concat(ByteString.copyFrom(all, 2200, 800)));
    assertThat(running.value()).isEqualTo(reference(seed, all));
    running.reset(7);
    running.update(all, 10, 20);
    assertThat(running.value()).isEqualTo(reference(7, Arrays.copyOfRange(all, 10, 30)));
  }

  @Test
  void matchesTheJdkFromZero() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int len = 0; len < 300; len++) {
      byte[] b = new byte[len];
      rnd.nextBytes(b);
      CRC32C jdk = new CRC32C();
      jdk.update(b);
      assertThat(Crc32c.update(0, b)).isEqualTo((int) jdk.getValue());
    }
  }

  @Test
  void chainingEqualsOnePass() {
    SplittableRandom rnd = new SplittableRandom(11);
    byte[] all = new byte[1000];
    rnd.nextBytes(all);
    for (int cut = 0; cut <= all.length; cut += 37) {
      int first = Crc32c.update(0, Arrays.copyOfRange(all, 0, cut));
      assertThat(Crc32c.update(first, Arrays.copyOfRange(all, cut, all.length)))
          .isEqualTo(Crc32c.update(0, all));
    }
  }

  /** The standard CRC-32C check value. */
  @Test
  void knownCheckValue() {
    assertThat(Crc32c.update(0, "123456789".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(0xE3069283);
  }
}
