package io.etcdj.storage.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {
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
