package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LeaseKeysTest {
  @Test
  void idKeyIsEightBytesBigEndian() {
    assertThat(HexFormat.of().formatHex(LeaseKeys.idKey(0x7d7ba2141056e005L)))
        .isEqualTo("7d7ba2141056e005");
    assertThat(HexFormat.of().formatHex(LeaseKeys.idKey(-1))).isEqualTo("ffffffffffffffff");
    assertThat(LeaseKeys.idOf(LeaseKeys.idKey(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void idOfRejectsKeysThatAreNotEightBytes() {
    assertThatThrownBy(() -> LeaseKeys.idOf(new byte[7])).hasMessage("lease ID must be 8-byte");
  }

  @Test
  void everyByteValueSurvivesTheItemRoundTrip() {
    byte[] key = new byte[256];
    for (int i = 0; i < 256; i++) {
      key[i] = (byte) i;
    }
    assertThat(LeaseKeys.bytes(LeaseKeys.item(key).key())).isEqualTo(key);
  }
}
