package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.Compare;
import io.etcdj.proto.etcdserverpb.DeleteRangeRequest;
import io.etcdj.proto.etcdserverpb.DeleteRangeResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.PutResponse;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RangeResponse;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.etcdj.proto.etcdserverpb.TxnResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV over grpc-java against one in-process member (etcd's integration v3_grpc_test.go). */
class KvServerTest {
  @TempDir Path dir;
  NodeFixture node;

  @BeforeEach
  void start() throws Exception {
    node = new NodeFixture(dir).start();
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  PutResponse put(String k, String v) {
    return node.kv().put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build());
  }

  @Test
  void putThenRangeSeesTheValueAtTheNextRevision() {
    PutResponse p = put("foo", "bar");
    assertThat(p.getHeader().getRevision()).isEqualTo(2);
    assertThat(p.getHeader().getClusterId()).isEqualTo(node.server.clusterId());
    assertThat(p.getHeader().getMemberId()).isEqualTo(node.server.memberId());
    assertThat(p.getHeader().getRaftTerm()).isGreaterThanOrEqualTo(2);

    RangeResponse r = node.kv().range(RangeRequest.newBuilder().setKey(bs("foo")).build());
    assertThat(r.getKvsList()).hasSize(1);
    assertThat(r.getKvs(0).getValue()).isEqualTo(bs("bar"));
    assertThat(r.getKvs(0).getCreateRevision()).isEqualTo(2);
    assertThat(r.getKvs(0).getVersion()).isEqualTo(1);
    assertThat(r.getCount()).isEqualTo(1);
    assertThat(r.getHeader().getRevision()).isEqualTo(2);

    RangeResponse serial =
        node.kv().range(RangeRequest.newBuilder().setKey(bs("foo")).setSerializable(true).build());
    assertThat(serial.getKvsList()).isEqualTo(r.getKvsList());
  }

  @Test
  void prefixRangeWithLimitSetsMoreAndCount() {
    put("a/1", "1");
    put("a/2", "2");
    put("a/3", "3");
    RangeResponse r =
        node.kv()
            .range(
                RangeRequest.newBuilder()
                    .setKey(bs("a/"))
                    .setRangeEnd(bs("a0"))
                    .setLimit(2)
                    .build());
    assertThat(r.getKvsCount()).isEqualTo(2);
    assertThat(r.getMore()).isTrue();
    assertThat(r.getCount()).isEqualTo(3);

    RangeResponse desc =
        node.kv()
            .range(
                RangeRequest.newBuilder()
                    .setKey(bs("a/"))
                    .setRangeEnd(bs("a0"))
                    .setSortOrder(RangeRequest.SortOrder.DESCEND)
                    .setLimit(1)
                    .build());
    assertThat(desc.getKvs(0).getKey()).isEqualTo(bs("a/3"));
    assertThat(desc.getMore()).isTrue();
  }

  @Test
  void putWithPrevKvAndDeleteWithPrevKv() {
    put("k", "v1");
    PutResponse p =
        node.kv()
            .put(
                PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v2")).setPrevKv(true).build());
    assertThat(p.getPrevKv().getValue()).isEqualTo(bs("v1"));

    DeleteRangeResponse d =
        node.kv()
            .deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("k")).setPrevKv(true).build());
    assertThat(d.getDeleted()).isEqualTo(1);
    assertThat(d.getPrevKvs(0).getValue()).isEqualTo(bs("v2"));
    assertThat(d.getHeader().getRevision()).isEqualTo(4);

    DeleteRangeResponse none =
        node.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("k")).build());
    assertThat(none.getDeleted()).isZero();
    assertThat(none.getHeader().getRevision()).isEqualTo(4);
  }

  @Test
  void ignoreValueKeepsTheOldValue() {
    put("k", "v1");
    node.kv().put(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).build());
    RangeResponse r = node.kv().range(RangeRequest.newBuilder().setKey(bs("k")).build());
    assertThat(r.getKvs(0).getValue()).isEqualTo(bs("v1"));
    assertThat(r.getKvs(0).getVersion()).isEqualTo(2);
  }

  @Test
  void txnTakesTheBranchItsComparesChoose() {
    put("k", "v1");
    TxnRequest t =
        TxnRequest.newBuilder()
            .addCompare(
                Compare.newBuilder()
                    .setKey(bs("k"))
                    .setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.EQUAL)
                    .setValue(bs("v1")))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestPut(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v2"))))
            .addSuccess(
                RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs("k"))))
            .addFailure(
                RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs("k"))))
            .build();
    TxnResponse first = node.kv().txn(t);
    assertThat(first.getSucceeded()).isTrue();
    assertThat(first.getHeader().getRevision()).isEqualTo(3);
    assertThat(first.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(3);
    assertThat(first.getResponses(1).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("v2"));

    TxnResponse second = node.kv().txn(t);
    assertThat(second.getSucceeded()).isFalse();
    assertThat(second.getResponsesCount()).isEqualTo(1);
    assertThat(second.getHeader().getRevision()).isEqualTo(3);
  }

  @Test
  void compareOnAMissingKeyUsesZeroRevisions() {
    TxnResponse t =
        node.kv()
            .txn(
                TxnRequest.newBuilder()
                    .addCompare(
                        Compare.newBuilder()
                            .setKey(bs("nokey"))
                            .setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL)
                            .setCreateRevision(0))
                    .addSuccess(
                        RequestOp.newBuilder()
                            .setRequestPut(
                                PutRequest.newBuilder().setKey(bs("nokey")).setValue(bs("x"))))
                    .build());
    assertThat(t.getSucceeded()).isTrue();
  }
}
