package io.etcdj.etcdserver.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.types.Ids;
import io.etcdj.etcdserver.types.UrlsMap;
import org.junit.jupiter.api.Test;

/**
 * Member and cluster IDs as real etcd 3.4.23 printed them ({@code member.go}, {@code cluster.go}).
 */
class InitialClusterTest {

  /** Wire facts §3.1/§3.2: token tok1, three members on 127.0.0.1. */
  @Test
  void memberAndClusterIdsMatchEtcdForFactSheetCluster() throws Exception {
    InitialCluster ic =
        InitialCluster.fromUrlsMap(
            "tok1",
            UrlsMap.parse(
                "n1=http://127.0.0.1:12380,n2=http://127.0.0.1:22380,n3=http://127.0.0.1:32380"));
    assertThat(Ids.toHex(ic.memberByName("n1").orElseThrow().id())).isEqualTo("89e9166a722859f9");
    assertThat(Ids.toHex(ic.memberByName("n2").orElseThrow().id())).isEqualTo("fce4ccdb9802da4a");
    assertThat(Ids.toHex(ic.memberByName("n3").orElseThrow().id())).isEqualTo("c437c30fb21fc940");
    assertThat(Ids.toHex(ic.clusterId())).isEqualTo("e509f51353fa66c8");
  }

  /** Captured from etcd 3.4.23's peer GET /members (token tok-x), body and X-Etcd-Cluster-Id. */
  @Test
  void membersJsonAndClusterIdMatchEtcdPeerEndpoint() throws Exception {
    InitialCluster ic =
        InitialCluster.fromUrlsMap(
            "tok-x",
            UrlsMap.parse(
                "n1=http://127.0.0.1:42380,n2=http://127.0.0.1:42381,n3=http://127.0.0.1:42382"));
    assertThat(MemberJson.encodeList(ic.members()))
        .isEqualTo(
            "[{\"id\":13428404756696563653,\"peerURLs\":[\"http://127.0.0.1:42381\"],\"name\":\"n2\"},"
                + "{\"id\":14595048868861470856,\"peerURLs\":[\"http://127.0.0.1:42380\"],\"name\":\"n1\"},"
                + "{\"id\":14817503991800635502,\"peerURLs\":[\"http://127.0.0.1:42382\"],\"name\":\"n3\"}]");
    assertThat(Ids.toHex(ic.clusterId())).isEqualTo("776a11b30a846b2a");
  }

  /** Wire facts §3.4: the first bootstrap WAL entry of n1. */
  @Test
  void bootstrapEntryCarriesMemberJsonContext() throws Exception {
    InitialCluster ic =
        InitialCluster.fromUrlsMap(
            "tok1",
            UrlsMap.parse(
                "n1=http://127.0.0.1:12380,n2=http://127.0.0.1:22380,n3=http://127.0.0.1:32380"));
    var e = ic.bootstrapEntries().get(0);
    assertThat(e.getTerm()).isEqualTo(1);
    assertThat(e.getIndex()).isEqualTo(1);
    var cc = io.etcdj.proto.raftpb.ConfChange.parseFrom(e.getData());
    assertThat(cc.getContext().toStringUtf8())
        .isEqualTo(
            "{\"id\":9937498699207301625,\"peerURLs\":[\"http://127.0.0.1:12380\"],\"name\":\"n1\"}");
    assertThat(e.toByteString().substring(0, 8).toByteArray())
        .containsExactly(0x08, 0x01, 0x10, 0x01, 0x18, 0x01, 0x22, 0x5d);
  }
}
