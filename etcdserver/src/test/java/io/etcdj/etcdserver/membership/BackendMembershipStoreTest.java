package io.etcdj.etcdserver.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.backend.ReadTx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend half of membership: etcd 3.4's buckets and values (membership/store.go). */
class BackendMembershipStoreTest {
  @TempDir Path dir;

  static TreeMap<String, String> bucket(Backend be, Bucket b) {
    TreeMap<String, String> out = new TreeMap<>();
    try (ReadTx tx = be.readTx()) {
      tx.unsafeForEach(
          b,
          (k, v) ->
              out.put(
                  new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Test
  void writesEtcdsBucketsAndKeepsTheV2HalfForSnapshots() {
    try (Backend be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build())) {
      BackendMembershipStore s = new BackendMembershipStore(be);
      Member m = new Member(0x10L, "", List.of("http://a:1"), List.of(), true);
      s.saveMember(m);
      Member published = m.withAttributes(new Member.Attributes("n", List.of("http://c:2")));
      s.updateAttributes(published);
      s.saveClusterVersion("3.4.0");
      Member other = new Member(0x20L, "", List.of("http://b:1"), List.of(), false);
      s.saveMember(other);
      s.deleteMember(0x20L);

      assertThat(bucket(be, Bucket.MEMBERS))
          .containsExactly(
              java.util.Map.entry(
                  "10",
                  "{\"id\":16,\"peerURLs\":[\"http://a:1\"],\"isLearner\":true,\"name\":\"n\","
                      + "\"clientURLs\":[\"http://c:2\"]}"));
      assertThat(bucket(be, Bucket.MEMBERS_REMOVED))
          .containsExactly(java.util.Map.entry("20", "removed"));
      assertThat(bucket(be, Bucket.CLUSTER))
          .containsExactly(java.util.Map.entry("clusterVersion", "3.4.0"));

      MembershipSnapshot v2 = s.snapshotV2();
      assertThat(v2.members()).containsOnlyKeys(0x10L);
      assertThat(v2.removed()).containsExactly(0x20L);
      assertThat(v2.clusterVersion()).isEqualTo(Optional.of("3.4.0"));
      assertThat(BackendMembershipStore.readBackend(be)).isEqualTo(v2);
    }
  }

  @Test
  void aRecoveredV2HalfAnswersValidationWithoutTouchingTheBackend() {
    try (Backend be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build())) {
      BackendMembershipStore s = new BackendMembershipStore(be);
      Member m = new Member(0x10L, "n", List.of("http://a:1"), List.of(), false);
      s.recoverV2(
          new MembershipSnapshot(
              java.util.Map.of(m.id(), m), java.util.Set.of(0x30L), Optional.empty()));
      assertThat(s.members()).containsOnlyKeys(0x10L);
      assertThat(s.removed()).containsExactly(0x30L);
      assertThat(bucket(be, Bucket.MEMBERS)).isEmpty();
    }
  }
}
