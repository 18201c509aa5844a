package io.etcdj.etcdserver.idutil;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** etcd 3.4.23 {@code pkg/idutil/id_test.go}. */
class IdGeneratorTest {

  /** TestNewGenerator: member 0x12, start 0x3456 ms after the epoch. */
  @Test
  void firstIdMatchesEtcdVector() {
    assertThat(new IdGenerator(0x12, 0x3456).next()).isEqualTo(0x12000000345601L);
  }

  /** TestNext: IDs count up by one. */
  @Test
  void idsCountUpByOne() {
    IdGenerator g = new IdGenerator(0x12, 0x3456);
    long want = 0x12000000345601L;
    for (int i = 0; i < 1000; i++) {
      assertThat(g.next()).isEqualTo(want + i);
    }
  }

  /** TestNewGeneratorUnique: other member or later start → different IDs. */
  @Test
  void differentMemberOrRestartGivesDifferentIds() {
    long id = new IdGenerator(0, 0).next();
    assertThat(new IdGenerator(1, 0).next()).isNotEqualTo(id);
    assertThat(new IdGenerator(0, 1_700_000_000_000L).next()).isNotEqualTo(id);
  }

  /** Only the low 16 bits of the member ID form the prefix (Go's uint16(id)). */
  @Test
  void prefixIsLow16BitsOfMemberId() {
    long id = new IdGenerator(0x8e9e05c52164694dL, 0).next();
    assertThat(id >>> 48).isEqualTo(0x694dL);
  }

  /** The suffix wraps within 48 bits and never touches the prefix. */
  @Test
  void suffixWrapsWithoutTouchingPrefix() {
    long ts = (1L << 40) - 1; // largest 40-bit timestamp
    IdGenerator g = new IdGenerator(0x1, ts);
    long last = 0;
    for (int i = 0; i < 256; i++) {
      last = g.next();
    }
    assertThat(last).isEqualTo(1L << 48); // prefix 1, suffix wrapped to 0
  }
}
