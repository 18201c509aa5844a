package io.etcdj.embed.junit;

import static io.etcdj.embed.junit.EtcdjExtensionTest.count;
import static io.etcdj.embed.junit.EtcdjExtensionTest.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EtcdjExtension#builder()}{@code .perTest()}: an empty member per test, dir deleted. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdjExtensionPerTestTest {
  @RegisterExtension
  static EtcdjExtension etcd =
      EtcdjExtension.builder().perTest().configure(c -> c.name("per-test")).build();

  private static final List<Path> dirs = new ArrayList<>();

  @Test
  @Order(1)
  void firstTestWritesIntoAnEmptyMember() throws Exception {
    assertThat(count(etcd, "mine")).isZero();
    assertThat(put(etcd, "mine", "x")).isEqualTo(2);
    assertThat(etcd.etcd().config().name()).isEqualTo("per-test");
    dirs.add(etcd.dataDir());
  }

  @Test
  @Order(2)
  void secondTestGetsAnotherEmptyMemberAndTheFirstDirIsGone() throws Exception {
    assertThat(count(etcd, "mine")).isZero();
    assertThat(dirs).hasSize(1);
    assertThat(dirs.get(0).getParent()).doesNotExist();
    assertThat(etcd.dataDir()).isNotEqualTo(dirs.get(0));
    dirs.add(etcd.dataDir());
  }

  @AfterAll
  static void everyDirIsDeletedAfterItsTest() {
    assertThat(dirs).hasSize(2).allSatisfy(d -> assertThat(d.getParent()).doesNotExist());
  }
}
