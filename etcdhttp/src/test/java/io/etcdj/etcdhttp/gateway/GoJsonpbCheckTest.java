package io.etcdj.etcdhttp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import org.junit.jupiter.api.Test;

/**
 * Go's jsonpb refusals the gateway reproduces before JsonFormat parses (the texts etcd 3.4.23's
 * gateway answered in embed's BadInputDifferentialTest).
 */
class GoJsonpbCheckTest {

  private static int bad(String s) {
    return GoBase64.firstIllegalByte(s.getBytes(UTF_8));
  }

  @Test
  void strictPaddedStandardBase64IsAcceptedWithNewlinesAnywhere() {
    assertThat(bad("")).isEqualTo(-1);
    assertThat(bad("YQ==")).isEqualTo(-1);
    assertThat(bad("YWI=")).isEqualTo(-1);
    assertThat(bad("YWJj")).isEqualTo(-1);
    assertThat(bad("YW\nI=")).isEqualTo(-1);
    assertThat(bad("YQ=\r\n=\n")).isEqualTo(-1);
    assertThat(bad("+/8=")).isEqualTo(-1);
  }

  @Test
  void refusedBase64ReportsGosOffset() {
    assertThat(bad("!!!")).isZero(); // illegal character
    assertThat(bad("YQ")).isZero(); // padding missing: the quantum's start
    assertThat(bad("YWJjYQ")).isEqualTo(4);
    assertThat(bad("YQ=")).isEqualTo(3); // one '=' short: the input's length
    assertThat(bad("YQ==YQ==")).isEqualTo(4); // data after the padding
    assertThat(bad("-_8=")).isZero(); // URL-safe alphabet
    assertThat(bad("Y===")).isEqualTo(1); // padding too early
    assertThat(bad("YQ=x")).isEqualTo(2);
  }

  @Test
  void messagesThatAreNotObjectsAndBytesThatAreNotStringsGetEncodingJsonsText() {
    assertThatThrownBy(() -> GatewayJson.parse("[1,2]", PutRequest.getDefaultInstance()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "json: cannot unmarshal array into Go value of type map[string]json.RawMessage");
    assertThatThrownBy(() -> GatewayJson.parse("{\"key\":5}", PutRequest.getDefaultInstance()))
        .hasMessage("json: cannot unmarshal number into Go value of type []uint8");
    assertThatThrownBy(
            () -> GatewayJson.parse("{\"success\":[true]}", TxnRequest.getDefaultInstance()))
        .hasMessage("json: cannot unmarshal bool into Go value of type map[string]json.RawMessage");
    assertThatThrownBy(
            () ->
                GatewayJson.parse(
                    "{\"success\":[{\"requestPut\":{\"key\":\"YQ\"}}]}",
                    TxnRequest.getDefaultInstance()))
        .hasMessage("illegal base64 data at input byte 0");
  }

  @Test
  void nullIsAnEmptyMessageAndNewlinesInBase64AreSkipped() throws Exception {
    assertThat(GatewayJson.parse("null", PutRequest.getDefaultInstance()))
        .isEqualTo(PutRequest.getDefaultInstance());
    PutRequest p =
        (PutRequest)
            GatewayJson.parse(
                "{\"key\":\"YW\\nI=\",\"lease\":\"7\",\"nosuch\":[1]}",
                PutRequest.getDefaultInstance());
    assertThat(p.getKey().toStringUtf8()).isEqualTo("ab");
    assertThat(p.getLease()).isEqualTo(7);
  }
}
