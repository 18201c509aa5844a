package io.etcdj.etcdserver.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** The clientv3 spellings the recipes rely on (clientv3 {@code GetPrefixRangeEnd}, Go's %x). */
class OpsTest {
  @Test
  void waiterKeysAreTheNameThenTheLeaseInGoHex() {
    assertThat(Ops.waiterKey(ByteString.copyFromUtf8("l/"), 0x694d8a1f2b3c4d5eL).toStringUtf8())
        .isEqualTo("l/694d8a1f2b3c4d5e");
    assertThat(Ops.goHex(-1)).isEqualTo("-1");
    assertThat(Ops.goHex(Long.MIN_VALUE)).isEqualTo("-8000000000000000");
    assertThat(Ops.goHex(255)).isEqualTo("ff");
  }

  @Test
  void prefixEndIncrementsTheLastByteBelow0xffAndDropsTheRest() {
    assertThat(Ops.prefixEnd(ByteString.copyFromUtf8("a/")))
        .isEqualTo(ByteString.copyFromUtf8("a0"));
    assertThat(Ops.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
        .isEqualTo(ByteString.copyFromUtf8("b"));
    assertThat(Ops.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})))
        .isEqualTo(ByteString.copyFrom(new byte[] {0}));
  }
}
