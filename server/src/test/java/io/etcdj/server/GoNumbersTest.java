package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** strconv.ParseInt/ParseUint with base 0 (Go's strconv/atoi_test.go cases that matter here). */
class GoNumbersTest {

  @ParameterizedTest
  @CsvSource({
    "0,0",
    "10,10",
    "0x10,16",
    "0X1f,31",
    "010,8",
    "0o17,15",
    "0b101,5",
    "1_000,1000",
    "0x_1_0,16",
    "0_7,7",
    "18446744073709551615,-1"
  })
  void parsesUintWithGoPrefixes(String text, long expected) throws Exception {
    assertThat(GoNumbers.parseUint(text, 64)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "-1", "+1", "0x", "08", "1__0", "_1", "1_", "1e3", "0b2", "١"})
  void refusesBadSyntax(String text) {
    assertThatThrownBy(() -> GoNumbers.parseUint(text, 64))
        .isInstanceOfSatisfying(
            GoNumbers.NumberException.class, e -> assertThat(e.isRange()).isFalse());
  }

  @Test
  void overflowIsARangeError() {
    assertThatThrownBy(() -> GoNumbers.parseUint("18446744073709551616", 64))
        .isInstanceOfSatisfying(
            GoNumbers.NumberException.class, e -> assertThat(e.isRange()).isTrue());
    assertThatThrownBy(() -> GoNumbers.parseUint("0x100000000", 32))
        .isInstanceOfSatisfying(
            GoNumbers.NumberException.class, e -> assertThat(e.isRange()).isTrue());
    assertThatThrownBy(() -> GoNumbers.parseInt("9223372036854775808", 64))
        .isInstanceOfSatisfying(
            GoNumbers.NumberException.class, e -> assertThat(e.isRange()).isTrue());
  }

  @Test
  void signedTakesASignAndItsFullRange() throws Exception {
    assertThat(GoNumbers.parseInt("-9223372036854775808", 64)).isEqualTo(Long.MIN_VALUE);
    assertThat(GoNumbers.parseInt("+0x10", 64)).isEqualTo(16);
    assertThat(GoNumbers.parseInt("-010", 64)).isEqualTo(-8);
    assertThatThrownBy(() -> GoNumbers.parseInt("-", 64))
        .isInstanceOf(GoNumbers.NumberException.class);
  }
}
