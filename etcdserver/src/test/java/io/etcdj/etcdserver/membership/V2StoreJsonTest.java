package io.etcdj.etcdserver.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.types.GoJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The v2 store JSON of raft snapshots (fact sheet §3.9/§3.10; etcd v2store store.Save). */
class V2StoreJsonTest {
  static final Member N1 =
      new Member(
          0x8e9e05c52164694dL,
          "n1",
          List.of("http://127.0.0.1:2380"),
          List.of("http://127.0.0.1:2379"),
          false);
  static final Member LEARNER =
      new Member(0xa28652efccaabaf8L, "", List.of("http://127.0.0.1:1001"), List.of(), true);

  @Test
  void membershipRoundTripsThroughTheStoreJson() {
    MembershipSnapshot snap =
        new MembershipSnapshot(
            Map.of(N1.id(), N1, LEARNER.id(), LEARNER), Set.of(0x1234L), Optional.of("3.4.0"));
    assertThat(V2StoreJson.decode(V2StoreJson.encode(snap))).isEqualTo(snap);
  }

  @Test
  void theJsonHasEtcdsTreeAndValues() {
    String json =
        V2StoreJson.encode(
            new MembershipSnapshot(Map.of(N1.id(), N1), Set.of(0x1234L), Optional.of("3.4.0")));
    assertThat(json)
        .startsWith("{\"Root\":{\"Path\":\"/\",\"CreatedIndex\":0,\"ModifiedIndex\":0,")
        .contains(
            "\"raftAttributes\":{\"Path\":\"/0/members/8e9e05c52164694d/raftAttributes\","
                + "\"CreatedIndex\":1,\"ModifiedIndex\":1,\"ExpireTime\":\"0001-01-01T00:00:00Z\","
                + "\"Value\":\"{\\\"peerURLs\\\":[\\\"http://127.0.0.1:2380\\\"]}\",\"Children\":null}")
        .contains(
            "\"Value\":\"{\\\"name\\\":\\\"n1\\\",\\\"clientURLs\\\":[\\\"http://127.0.0.1:2379\\\"]}\"")
        .contains("\"removed_members\":{\"Path\":\"/0/removed_members\"")
        .contains("\"Path\":\"/0/version\"")
        .contains("\"1\":{\"Path\":\"/1\",\"CreatedIndex\":0,\"ModifiedIndex\":0,")
        .endsWith(",\"CurrentVersion\":2}");
    @SuppressWarnings("unchecked")
    Map<String, Object> top = (Map<String, Object>) GoJson.parse(json);
    assertThat(top.keySet())
        .containsExactly("Root", "WatcherHub", "CurrentIndex", "Stats", "CurrentVersion");
  }

  @Test
  void anUnpublishedMemberHasNoAttributesNode() {
    String json =
        V2StoreJson.encode(
            new MembershipSnapshot(Map.of(LEARNER.id(), LEARNER), Set.of(), Optional.empty()));
    assertThat(json).doesNotContain("/attributes").doesNotContain("/0/version");
    assertThat(V2StoreJson.decode(json).members().get(LEARNER.id())).isEqualTo(LEARNER);
  }

  @Test
  void theMemberListEarlierEtcdjSnapshotsHeldStillReads() {
    MembershipSnapshot snap = V2StoreJson.decode(MemberJson.encodeList(List.of(N1)));
    assertThat(snap.members()).containsEntry(N1.id(), N1);
    assertThat(snap.removed()).isEmpty();
  }
}
