package io.etcdj.storage.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.proto.etcdserverpb.AuthUserAddRequest;
import io.etcdj.storage.auth.AuthStoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auth changes are entries: their writes and the entry's index land in one batch. */
class NodeStoreAuthTest {
  @TempDir Path dir;
  private final NodeStoreFixture fx = new NodeStoreFixture();

  private NodeStore open() {
    return NodeStore.open(
        fx.config(dir).auth(AuthStoreConfig.defaults().withBcryptCost(4)).build());
  }

  @Test
  void authChangeSavesTheEntryIndexAndSurvivesRestart() throws Exception {
    try (NodeStore s = open()) {
      try (ApplyTxn a = s.beginApply(7)) {
        s.auth()
            .userAdd(
                AuthUserAddRequest.newBuilder().setName("u").setPassword("p").build(), a.auth());
      }
      assertThat(s.consistentIndex()).isEqualTo(7);
      assertThat(s.auth().revision()).isEqualTo(2);
    }
    try (NodeStore s = open()) {
      assertThat(s.consistentIndex()).isEqualTo(7);
      assertThat(s.auth().userNames()).containsExactly("u");
    }
  }

  @Test
  void failedAuthChangeStillRecordsTheIndex() throws Exception {
    try (NodeStore s = open()) {
      try (ApplyTxn a = s.beginApply(3)) {
        ApplyTxn entry = a;
        assertThatThrownBy(() -> s.auth().userDelete("nobody", entry.auth()))
            .hasMessage("auth: user not found");
      }
      assertThat(s.consistentIndex()).isEqualTo(3);
      assertThat(s.auth().revision()).isEqualTo(1);
    }
  }
}
